-- UPDATE of attributes and DELETE by id, IN, MATCH and attribute filters; every
-- acknowledged write is visible to the next query.
CREATE TABLE c_upd (title text, price int, tags multi);
INSERT INTO c_upd (id, title, price, tags) VALUES (1, 'one', 10, (1)), (2, 'two', 20, (2)), (3, 'three', 30, (3)), (4, 'four', 40, ()), (5, 'five', 50, (5));
UPDATE c_upd SET price = 11 WHERE id = 1;
UPDATE c_upd SET price = 0, tags = (8, 7) WHERE price > 25;
UPDATE c_upd SET price = 1 WHERE id = 99;
SELECT * FROM c_upd;
UPDATE c_upd SET price = price + 5 WHERE id IN (1, 2);
SELECT id, price FROM c_upd WHERE id <= 2;
UPDATE c_upd SET title = 'x' WHERE id = 1;
UPDATE c_upd SET nope = 1 WHERE id = 1;
UPDATE c_upd SET id = 7 WHERE id = 1;
UPDATE c_upd SET price = 1 WHERE nope = 1;
DELETE FROM c_upd WHERE id = 1;
DELETE FROM c_upd WHERE id IN (2, 3, 99);
DELETE FROM c_upd WHERE MATCH('four');
SELECT id FROM c_upd;
DELETE FROM c_upd WHERE price = 0;
SELECT id FROM c_upd;
DROP TABLE c_upd;
