-- FACET: one extra result set per facet, after the main one.
CREATE TABLE c_fct (title text, tag string, price int, ok bool);
INSERT INTO c_fct (id, title, tag, price, ok) VALUES (1, 'red apple', 'fruit', 10, 1), (2, 'green apple', 'fruit', 20, 0), (3, 'yellow banana', 'fruit', 5, 1), (4, 'carrot', 'vegetable', 7, 0), (5, 'red pepper', 'vegetable', 15, 1);
SELECT id, tag FROM c_fct ORDER BY id ASC LIMIT 2 FACET tag ORDER BY tag ASC FACET ok ORDER BY count(*) DESC;
SELECT id FROM c_fct WHERE price > 6 LIMIT 1 FACET tag AS t, max(price) AS top BY tag ORDER BY top DESC LIMIT 1;
SHOW META LIKE 'total%';
DROP TABLE c_fct;
