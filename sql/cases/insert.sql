-- INSERT and REPLACE: column lists, all columns, several rows, automatic ids,
-- defaults, MVA and JSON values, and the errors.
CREATE TABLE c_ins (title text, tag string, n int, tags multi, meta json);
INSERT INTO c_ins (id, title, tag, n) VALUES (1, 'one', 'a', 1), (2, 'two', 'b', 2);
SELECT LAST_INSERT_ID();
INSERT INTO c_ins VALUES (3, 'three', 'c', 3, (3, 1, 3), '{"k":1}');
INSERT INTO c_ins (title) VALUES ('auto');
INSERT INTO c_ins (id, title) VALUES (0, 'auto too');
SELECT count(*) FROM c_ins;
SELECT id, title, tag, n, tags FROM c_ins WHERE id < 4;
SELECT meta, meta.k FROM c_ins WHERE id = 3;
SELECT id, meta, meta.k FROM c_ins WHERE id = 1;
SELECT title FROM c_ins WHERE id > 3 ORDER BY title ASC;
INSERT INTO c_ins (id, title) VALUES (1, 'dup');
REPLACE INTO c_ins (id, title, n) VALUES (1, 'uno', 11);
SELECT id, title, tag, n FROM c_ins WHERE id = 1;
INSERT INTO c_ins VALUES (5, 'x');
INSERT INTO c_ins (id, title) VALUES (5);
INSERT INTO c_ins (id, nope) VALUES (5, 1);
INSERT INTO c_ins (id, title, title) VALUES (5, 'a', 'b');
INSERT INTO c_ins (id, title) VALUES (-5, 'negative');
INSERT INTO c_ins (id, title) VALUES (6, 7);
INSERT INTO c_ins (id, title) VALUES (6, 'ok'), (7, 8);
INSERT INTO c_ins (id, n) VALUES (6, (1, 2));
INSERT INTO c_ins (id, tags) VALUES (6, 5);
INSERT INTO c_ins (id, title, n, tags, meta) VALUES (6, NULL, NULL, NULL, (1, 2));
SELECT id, title, n, tags, meta FROM c_ins WHERE id = 6;
SELECT count(*) FROM c_ins;
DROP TABLE c_ins;
