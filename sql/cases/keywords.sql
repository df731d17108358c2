-- CALL KEYWORDS: how a table tokenizes and normalizes a text, with statistics.
CREATE TABLE c_kw (title text) morphology='stem_en';
INSERT INTO c_kw (id, title) VALUES (1, 'running dogs'), (2, 'the dog runs fast');
CALL KEYWORDS('Running Dogs', 'c_kw');
CALL KEYWORDS('running dogs', 'c_kw', 1);
CALL KEYWORDS('dogs', 'c_kw', 1 AS stats);
CALL KEYWORDS('dogs', 'c_nope');
CALL KEYWORDS('dogs');
DROP TABLE c_kw;
