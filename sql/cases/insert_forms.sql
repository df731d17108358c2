-- INSERT values written as plain literals and as expressions give the same rows;
-- malformed multi-row INSERTs fail with the parser's message and change nothing.
CREATE TABLE c_forms (title text, tag string, n int, big bigint, f float, tags multi);
INSERT INTO c_forms (id, title, tag, n, big, f, tags) VALUES (1, 'it''s \'quoted\' \\ here', "dq", -3, -3, 1.5, (3, 1)), (2, 'two', 'b', 7, 7, -0.25, ());
INSERT INTO c_forms (id, title, tag, n, big, f, tags) VALUES (3, 'it''s \'quoted\' \\ here', "dq", 0 - 3, -(3), 3 / 2, (3, 1)), (4, 'two', 'b', 3 + 4, 7, -1 / 4, ());
SELECT id, title, tag, n, big, f, tags FROM c_forms ORDER BY id ASC;
INSERT INTO c_forms (id, title) VALUES (5, 'a' 'b');
INSERT INTO c_forms (id, title) VALUES (5, 'a') (6, 'b');
INSERT INTO c_forms (id, title) VALUES (5, 'a'), ();
INSERT INTO c_forms (id, title) VALUES (5, 'a'),;
INSERT INTO c_forms (id, title) VALUES (5, 'a'), (6, 7);
INSERT INTO c_forms (id, title) VALUES (5, 'a'), (6);
INSERT INTO c_forms (id, title) VALUES (5, NULL), (6, 'six') /* trailing comment */;
SELECT id, title FROM c_forms WHERE id > 4 ORDER BY id ASC;
SELECT count(*) FROM c_forms;
DROP TABLE c_forms;
