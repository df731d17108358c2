-- A demo table: `mysql -h127.0.0.1 -P9306 < sql/demo.sql`
DROP TABLE IF EXISTS demo;
CREATE TABLE demo (title text, description text, brand string, price float, stock int, rating float, available bool, added timestamp, specs json, categories multi) morphology='stem_en' min_word_len='2';
INSERT INTO demo (id, title, description, brand, price, stock, rating, available, added, specs, categories) VALUES
  (1, 'Crossbody Bag with Tassel', 'A small leather bag with a long strap and a tassel', 'Urban', 19.85, 12, 4.5, 1, 1700000000, '{"color":"black","size":{"w":20,"h":15}}', (1, 4)),
  (2, 'Microfiber Sheet Set', 'Soft sheets for a good night sleep', 'Comfy', 29.99, 40, 4.1, 1, 1700100000, '{"color":"white","pieces":4}', (2)),
  (3, 'Pet Hair Remover Glove', 'Removes pet hair from furniture and clothes', 'Paws', 7.99, 0, 3.9, 0, 1700200000, '{"color":"blue"}', (3)),
  (4, 'Leather Travel Bag', 'A large leather bag for weekend trips', 'Urban', 89.5, 5, 4.8, 1, 1700300000, '{"color":"brown","size":{"w":50,"h":30}}', (1, 5)),
  (5, 'Running Shoes', 'Light shoes for running and walking', 'Swift', 59, 22, 4.3, 1, 1700400000, '{"color":"red","sizes":[40,41,42]}', (6)),
  (6, 'Canvas Tote Bag', 'A simple canvas bag for shopping', 'Urban', 12.5, 60, 4, 1, 1700500000, '{"color":"beige"}', (1, 4)),
  (7, 'Wool Scarf', 'A warm wool scarf for the winter', 'Comfy', 24, 15, 4.6, 1, 1700600000, '{"color":"grey"}', (4)),
  (8, 'Trail Running Backpack', 'A light backpack for running on trails', 'Swift', 45, 8, 4.4, 1, 1700700000, '{"color":"green","liters":12}', (1, 6));

-- Try, for example:
-- SELECT id, title, price FROM demo WHERE MATCH('bag') AND price < 50 ORDER BY price ASC;
-- SELECT brand, count(*), avg(price) FROM demo GROUP BY brand;
-- SELECT * FROM demo WHERE specs.color = 'red';
-- SELECT id, title FROM demo WHERE MATCH('running') FACET brand FACET available;
-- SHOW META;
