"""Matching quality floors, measured with unsupervised parameters: a regression in matching fails CI."""

import json

import pytest

from leadflow.cli import main
from leadflow.evaluate import evaluate


@pytest.mark.parametrize("dataset, floor", [("febrl4", 0.999), ("febrl3", 0.995)])
def test_febrl_f1_floor(dataset, floor):
    result = evaluate(dataset)
    assert result["model_estimated"] is True, "parameters must come from the unsupervised model"
    assert result["f1"] >= floor, result
    assert result["blocking_recall"] >= 0.995


def test_generated_leads_f1_floor_and_json_output(capsys):
    assert main(["evaluate", "--dataset", "generated", "--people", "1500", "--seed", "3", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert set(result) >= {"precision", "recall", "f1", "candidate_pairs", "blocking_recall", "seconds"}
    assert result["f1"] >= 0.99 and result["model_estimated"] is True
