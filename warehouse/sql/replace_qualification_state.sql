-- the qualification this run made (`new_qualification_state`, one row) replaces the earlier one
DELETE FROM core.qualification_state;
INSERT INTO core.qualification_state BY NAME SELECT * FROM new_qualification_state
