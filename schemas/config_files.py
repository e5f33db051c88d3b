"""The one loader of the YAML files people edit (source mappings, rules, matching settings).

Each file is described by a pydantic model (`ConfigModel`: unknown keys are errors, values are not silently
converted). `load_config` reads the packaged default or a path, parses the YAML and validates it; whatever
is wrong comes back as one `ConfigError` naming the file and, for every problem at once, the entry and the
field: `status_rules[2] (qualified-bant-event).when.field: unknown field 'budget' (known fields: ...)`.

This is the lowest layer of the project: standard library, pydantic and yaml only.
"""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Iterable, Sequence
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar

import yaml
from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationError, WrapValidator, model_validator
from pydantic_core import InitErrorDetails, PydanticCustomError

Loc = tuple[str | int, ...]
M = TypeVar("M", bound=BaseModel)

# keys whose value names a list entry in messages: `sources[1] (callpoint)`, `status_rules[2] (qualified-bant-event)`
NAME_KEYS = ("id", "name", "field", "rank", "territory")


class ConfigError(ValueError):
    """A config file cannot be used: `origin` is the file (or "default rules" for a packaged one) and
    `problems` every problem found, each naming its entry and field. The message is
    `<origin>: <problem>; <problem>; ...`."""

    def __init__(self, origin: str, problems: str | Iterable[str]):
        self.origin = origin
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__(f"{origin}: {'; '.join(self.problems)}")


class ConfigModel(BaseModel):
    """Base of every config file model: unknown keys are errors, a number is not text (nor text a number),
    and a key left empty (`reason:` with nothing after it) counts as not given."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    @model_validator(mode="before")
    @classmethod
    def _empty_means_absent(cls, data: Any) -> Any:
        if isinstance(data, dict):
            known = {f.alias or name for name, f in cls.model_fields.items()}
            return {k: v for k, v in data.items() if not (v is None and k in known)}
        return data


# --------------------------------------------------------------------------------------
# building blocks for the models: problems with readable messages
# --------------------------------------------------------------------------------------


def problem(message: str) -> PydanticCustomError:
    """An error for a validator to raise: `message` is shown as it is, after the entry and field."""
    return PydanticCustomError("config", "{problem}", {"problem": message})


def raise_problems(found: Iterable[tuple[Loc, str]]) -> None:
    """From inside a validator, report every problem found at once, each at its place (relative to the value
    being validated: `(i,)` is its i-th item, `("columns", "Tel")` a key below it, `()` the value itself)."""
    found = list(found)
    if found:
        raise ValidationError.from_exception_data("config", [
            InitErrorDetails(type=problem(message), loc=tuple(loc), input=None) for loc, message in found])


def one_of(values: Iterable[str], what: str, plural: str | None = None) -> Any:
    """A `Literal` of `values` whose error reads `unknown status 'Won' (known statuses: ...)`."""
    values = tuple(values)
    known = f"known {plural or what + 's'}: {', '.join(values)}"

    def check(value: Any, handler):
        try:
            return handler(value)
        except ValidationError:
            raise problem(f"unknown {what} {value!r} ({known})") from None

    return Annotated[Literal[values], WrapValidator(check)]


def _text(value: Any) -> Any:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)  # `id: 2024` is the text 2024
    if isinstance(value, str):
        if not value.strip():
            raise problem("must not be empty")
        return value.strip()
    return value  # left to the str check: "needs a text"


Text = Annotated[str, BeforeValidator(_text)]
"""Non-empty text, trimmed; a number YAML read (`id: 2024`) is taken as its text."""


def _scalar(value: Any) -> Any:
    if not isinstance(value, (str, int, float, bool)):
        raise problem(f"needs a single value (text, number, true or false), got {value!r}")
    return value


Scalar = Annotated[str | bool | int | float, BeforeValidator(_scalar)]
"""One value as YAML reads it: text, number, true or false (not a list, a mapping or nothing)."""


# --------------------------------------------------------------------------------------
# reading and validating a file
# --------------------------------------------------------------------------------------


class _YamlLoader(yaml.SafeLoader):
    """YAML with the booleans of YAML 1.2: only true/false. `NO` (Norway), `yes`, `on`, `off` stay text."""


_YamlLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_YamlLoader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
                                  list("tTfF"))


def read_config_text(path: str | Path | None, *, label: str, package: str, resource: str,
                     error: type[ConfigError] = ConfigError) -> tuple[str, str]:
    """(text, origin) of the file at `path`, or of the packaged `<package>/<resource>` when `path` is None
    (origin `default <label>`)."""
    origin = f"default {label}" if path is None else str(path)
    try:
        if path is None:
            return resources.files(package).joinpath(resource).read_text(encoding="utf-8"), origin
        return Path(path).read_text(encoding="utf-8"), origin
    except OSError as exc:
        raise error(origin, f"cannot read {label} file: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise error(origin, f"cannot read {label} file: not UTF-8 text (byte {exc.start})") from None


def parse_yaml(text: str, origin: str, error: type[ConfigError] = ConfigError) -> Any:
    """The parsed YAML document; ConfigError saying at which line it breaks."""
    try:
        return yaml.load(text, Loader=_YamlLoader)  # noqa: S506 - a SafeLoader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        what = getattr(exc, "problem", None)
        raise error(origin, f"not valid YAML{where}{f': {what}' if what else ''}") from None


def validate_config(document: Any, model: type[M], origin: str, error: type[ConfigError] = ConfigError,
                    name_keys: tuple[str, ...] = NAME_KEYS) -> M:
    """`document` checked against `model`; ConfigError with every problem, each as `<entry>.<field>: <message>`.
    An empty document is an empty mapping."""
    try:
        return model.model_validate({} if document is None else document)
    except ValidationError as exc:
        errors = exc.errors()
    unknown: dict[Loc, list[str]] = {}  # the unknown keys of one entry make one problem
    for e in errors:
        if e["type"] == "extra_forbidden":
            unknown.setdefault(tuple(e["loc"][:-1]), []).append(str(e["loc"][-1]))
    problems = []
    for e in errors:
        if e["type"] != "extra_forbidden":
            problems.append(describe(e, document, model, name_keys))
        elif (keys := unknown.pop(tuple(e["loc"][:-1]), None)) is not None:
            problems.append(describe(e, document, model, name_keys, keys))
    raise error(origin, problems)


def load_config(path: str | Path | None, model: type[M], *, label: str, package: str, resource: str,
                error: type[ConfigError] = ConfigError, name_keys: tuple[str, ...] = NAME_KEYS) -> tuple[M, str]:
    """(checked model, origin) of the YAML file at `path`, or of the packaged `<package>/<resource>`.

    Raises `error` (a ConfigError) for a file that cannot be read, YAML that does not parse, and every entry
    the model refuses, all in one message.
    """
    text, origin = read_config_text(path, label=label, package=package, resource=resource, error=error)
    return validate_config(parse_yaml(text, origin, error), model, origin, error, name_keys), origin


# --------------------------------------------------------------------------------------
# one pydantic error as `<entry>.<field>: <message>`
# --------------------------------------------------------------------------------------


def describe(error: dict, document: Any, model: type[BaseModel], name_keys: tuple[str, ...] = NAME_KEYS,
             unknown_keys: Sequence[str] = ()) -> str:
    """`status_rules[2] (qualified-bant-event).when.lte: needs a number, got 'x'` for one pydantic error
    (for an unknown key, `unknown_keys` are all the keys of that entry the model does not know)."""
    kind, loc = error["type"], tuple(error["loc"])
    if kind == "extra_forbidden":
        keys = unknown_keys or [str(loc[-1])]
        known = _known_keys(model, loc[:-1])
        where = _where(loc[:-1], document, name_keys, named=False)
        message = (f"unknown key{'s' if len(keys) > 1 else ''} {', '.join(f'`{k}`' for k in keys)}"
                   + (f" (known: {', '.join(known)})" if known else ""))
    else:
        where = _where(loc, document, name_keys, named=kind in ("missing", "config"))
        message = _message(error)
        if not where and kind in ("model_type", "dict_type"):
            message = f"the file must hold a mapping (key: value) at the top, got {_show(error.get('input'))}"
    return f"{where}: {message}" if where else message


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


_MESSAGES = {
    "string_type": "needs a text",
    "int_type": "needs a whole number", "int_parsing": "needs a whole number", "int_from_float": "needs a whole number",
    "float_type": "needs a number", "float_parsing": "needs a number",
    "bool_type": "needs true or false", "bool_parsing": "needs true or false",
    "list_type": "needs a list", "tuple_type": "needs a list",
    "dict_type": "needs a mapping (key: value)", "model_type": "needs a mapping (key: value)",
    "model_attributes_type": "needs a mapping (key: value)",
}


def _message(error: dict) -> str:
    kind, ctx = error["type"], error.get("ctx") or {}
    if kind == "missing":
        return "is required"
    if kind in _MESSAGES:
        return f"{_MESSAGES[kind]}, got {_show(error.get('input'))}"
    if kind == "literal_error":
        return f"{_show(error.get('input'))} is not one of {ctx.get('expected', '?')}"
    if kind in ("too_short", "too_long"):
        n = ctx.get("min_length" if kind == "too_short" else "max_length")
        return f"{'needs at least' if kind == 'too_short' else 'takes at most'} {n} {'entry' if n == 1 else 'entries'}"
    message = error["msg"]
    if kind == "config":
        return message
    message = message[:1].lower() + message[1:]
    message = message.removeprefix("input ").removeprefix("value error, ")
    return f"{message}, got {_show(error.get('input'))}" if "input" in error else message


def _key(part: Any) -> str:
    if isinstance(part, bool):
        return "true" if part else "false"
    if isinstance(part, str) and not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", part):
        return repr(part)
    return str(part)


def _where(loc: Loc, document: Any, name_keys: tuple[str, ...], named: bool) -> str:
    """The path of `loc` in the document as people read it: keys joined by dots, list entries by index and
    name. Parts pydantic adds that are not in the document (which member of a union) are left out; the last
    part is kept when `named` (a missing key, or a field a validator's problem is about)."""
    out, node, lost = "", document, False
    for i, part in enumerate(loc):
        last = i == len(loc) - 1
        if not lost and isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
            name = next((node[k] for k in name_keys if isinstance(node, dict)
                         and isinstance(node.get(k), (str, int, float)) and not isinstance(node.get(k), bool)), None)
            out += f"[{part}]" + (f" ({name})" if name is not None else "")
        elif not lost and isinstance(node, dict) and part in node:
            node = node[part]
            out += f".{_key(part)}"
        elif isinstance(part, int) and not isinstance(part, bool):
            out += f"[{part}]"
            lost = True
        elif (named or lost) and last:
            out += f".{_key(part)}"
        # otherwise: a union member's tag or `[key]`, not a place in the document
    return out.lstrip(".")


def _unwrap(tp: Any) -> Any:
    while True:
        origin = typing.get_origin(tp)
        if origin is Annotated:
            tp = typing.get_args(tp)[0]
        elif origin in (typing.Union, types.UnionType) and type(None) in typing.get_args(tp):
            rest = [a for a in typing.get_args(tp) if a is not type(None)]
            if len(rest) != 1:
                return typing.Union[tuple(rest)]
            tp = rest[0]
        else:
            return tp


def _known_keys(model: type[BaseModel], loc: Loc) -> list[str]:
    """The keys the model accepts at `loc` (to suggest them for a key it does not know)."""
    tp: Any = model
    for part in loc:
        tp = _unwrap(tp)
        origin = typing.get_origin(tp)
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            field = next((f for name, f in tp.model_fields.items() if part in (name, f.alias)), None)
            if field is None:
                return []
            tp = field.annotation
        elif origin in (list, tuple) and isinstance(part, int):
            tp = typing.get_args(tp)[0]
        elif origin is dict:
            tp = typing.get_args(tp)[1]
        elif origin in (typing.Union, types.UnionType):
            tp = next((m for m in map(_unwrap, typing.get_args(tp)) if getattr(m, "__name__", None) == part), None)
            if tp is None:
                return []
        else:
            return []
    tp = _unwrap(tp)
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return [f.alias or name for name, f in tp.model_fields.items()]
    return []
