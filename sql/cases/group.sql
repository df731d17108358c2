-- GROUP BY with COUNT(*), COUNT(DISTINCT), SUM/MIN/MAX/AVG, GROUPBY(), MVA keys,
-- WITHIN GROUP ORDER BY, HAVING, and aggregates without GROUP BY.
CREATE TABLE c_grp (title text, tag string, price int, score float, ok bool, tags multi);
INSERT INTO c_grp (id, title, tag, price, score, ok, tags) VALUES (1, 'red apple', 'fruit', 10, 1.5, 1, (1,2,3)), (2, 'green apple', 'fruit', 20, 2.5, 0, (2,3)), (3, 'yellow banana', 'fruit', 5, 0.5, 1, (4)), (4, 'carrot', 'vegetable', 7, 3, 0, ()), (5, 'red pepper', 'vegetable', 15, 4.25, 1, (3,5));
SELECT tag, count(*) FROM c_grp GROUP BY tag;
SELECT groupby(), count(*) FROM c_grp GROUP BY tags;
SELECT tag, count(*) FROM c_grp GROUP BY tag ORDER BY tag ASC;
SELECT tag, count(*), sum(price), min(price), max(price), avg(score) FROM c_grp GROUP BY tag ORDER BY tag ASC;
SELECT ok, count(DISTINCT tag) AS tags FROM c_grp GROUP BY ok ORDER BY ok DESC;
SELECT groupby(), count(*) FROM c_grp GROUP BY tags ORDER BY groupby() ASC;
SELECT id, tag, price FROM c_grp GROUP BY tag WITHIN GROUP ORDER BY price DESC ORDER BY id ASC;
SELECT tag, count(*) AS c FROM c_grp GROUP BY tag HAVING c > 2;
SHOW META LIKE 'total_found';
SELECT tag, sum(price) AS total FROM c_grp GROUP BY tag ORDER BY total DESC LIMIT 1;
SELECT count(*), max(price), sum(score) FROM c_grp WHERE price > 5;
SELECT tag, count(*) FROM c_grp WHERE ok = 1 GROUP BY tag ORDER BY count(*) DESC;
SELECT count(*) FROM c_grp GROUP BY nope;
DROP TABLE c_grp;
