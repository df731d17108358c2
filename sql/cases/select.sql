-- SELECT lists: *, aliases, arithmetic, comparisons, IF, IN, LENGTH, JSON paths;
-- ORDER BY several keys, LIMIT forms, OPTION max_matches and SHOW META totals.
CREATE TABLE c_sel (title text, tag string, price int, score float, ok bool, meta json, tags multi);
INSERT INTO c_sel (id, title, tag, price, score, ok, meta, tags) VALUES (1, 'red apple', 'fruit', 10, 1.5, 1, '{"a":{"b":1},"color":"red"}', (1,2,3)), (2, 'green apple', 'fruit', 20, 2.5, 0, '{"a":{"b":2},"color":"green"}', (2,3)), (3, 'yellow banana', 'fruit', 5, 0.5, 1, '{"a":{"b":3}}', (4)), (4, 'carrot', 'vegetable', 7, 3, 0, '{"color":"orange"}', ()), (5, 'red pepper', 'vegetable', 15, 4.25, 1, '{}', (3,5));
SELECT * FROM c_sel;
SELECT id, price * 2 AS p2, price + score AS s, IF(price > 10, 'big', 'small') AS size, price IN (5, 10) AS cheap, LENGTH(tags) AS n, meta.a.b AS ab FROM c_sel;
SELECT id, price > 10, price - 1 FROM c_sel WHERE id = 2;
SELECT id, price FROM c_sel ORDER BY price DESC;
SELECT id, tag, price FROM c_sel ORDER BY tag ASC, price DESC;
SELECT id, price * 2 AS p2 FROM c_sel ORDER BY p2 DESC LIMIT 2;
SELECT id FROM c_sel LIMIT 1, 2;
SELECT id FROM c_sel LIMIT 2 OFFSET 3;
SELECT id FROM c_sel ORDER BY id DESC LIMIT 10 OPTION max_matches=3;
SHOW META LIKE 'total%';
SELECT id FROM c_sel ORDER BY RAND() LIMIT 0;
SELECT nope FROM c_sel;
SELECT id FROM c_sel ORDER BY nope DESC;
DROP TABLE c_sel;
