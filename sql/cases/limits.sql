-- Without LIMIT a SELECT returns 20 rows (max_matches 1000 counts them all).
CREATE TABLE c_lim (title text, n int);
INSERT INTO c_lim (id, title, n) VALUES (1, 'row 1', 1), (2, 'row 2', 2), (3, 'row 3', 0), (4, 'row 4', 1), (5, 'row 5', 2), (6, 'row 6', 0), (7, 'row 7', 1), (8, 'row 8', 2), (9, 'row 9', 0), (10, 'row 10', 1), (11, 'row 11', 2), (12, 'row 12', 0), (13, 'row 13', 1), (14, 'row 14', 2), (15, 'row 15', 0), (16, 'row 16', 1), (17, 'row 17', 2), (18, 'row 18', 0), (19, 'row 19', 1), (20, 'row 20', 2), (21, 'row 21', 0), (22, 'row 22', 1), (23, 'row 23', 2), (24, 'row 24', 0), (25, 'row 25', 1);
SELECT count(*) FROM c_lim;
SELECT id, n FROM c_lim;
SHOW META LIKE 'total%';
SELECT id FROM c_lim LIMIT 23, 10;
SELECT n, count(*) FROM c_lim GROUP BY n ORDER BY n ASC;
DROP TABLE c_lim;
