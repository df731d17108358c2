-- Several tables in one SELECT: matches of all of them, sorted and grouped together.
CREATE TABLE c_mt1 (title text, n int);
CREATE TABLE c_mt2 (title text, n int);
INSERT INTO c_mt1 (id, title, n) VALUES (1, 'hello one', 1), (2, 'other', 2);
INSERT INTO c_mt2 (id, title, n) VALUES (10, 'hello ten', 1), (11, 'hello eleven', 3);
SELECT id, title, n FROM c_mt1, c_mt2 WHERE MATCH('hello') ORDER BY id ASC;
SHOW META LIKE '%[0]';
SELECT n, count(*) FROM c_mt1, c_mt2 GROUP BY n ORDER BY n ASC;
SELECT id FROM c_mt1, c_mt2 WHERE n > 1 ORDER BY id DESC;
DROP TABLE c_mt1;
DROP TABLE c_mt2;
