-- MATCH() with filters, WEIGHT(), rankers and field weights, ORDER BY WEIGHT(),
-- and the keyword statistics of SHOW META.
CREATE TABLE c_match (title text, body text);
INSERT INTO c_match (id, title, body) VALUES (1, 'hello world', 'first document body'), (2, 'another title', 'hello hello again'), (3, 'nothing here', 'no greeting at all'), (4, 'hello', 'hello world');
SELECT id, weight() FROM c_match WHERE MATCH('hello') OPTION ranker=wordcount, field_weights=(title=10, body=1);
SHOW META LIKE 'total%';
SHOW META LIKE '%[0]';
SELECT id, weight() AS w FROM c_match WHERE MATCH('hello') ORDER BY w ASC, id DESC OPTION ranker=wordcount;
SELECT id, weight() FROM c_match WHERE MATCH('hello') AND id > 1 OPTION ranker=none;
SELECT id FROM c_match WHERE MATCH('hello world') ORDER BY id ASC;
SELECT id FROM c_match WHERE MATCH('"hello world"') ORDER BY id ASC;
SELECT id FROM c_match WHERE MATCH('hello | greeting') ORDER BY id ASC;
SELECT id FROM c_match WHERE MATCH('hello -world') ORDER BY id ASC;
SELECT id FROM c_match WHERE MATCH('@title hello') ORDER BY id ASC;
SELECT id FROM c_match WHERE MATCH('missing');
SHOW META LIKE 'total%';
SELECT id, title FROM c_match WHERE MATCH('hello') ORDER BY id DESC LIMIT 1;
SELECT id FROM c_match WHERE MATCH('hello') OPTION cutoff=1;
SELECT id FROM c_match WHERE MATCH('hello') OPTION ranker=nosuch;
SELECT id FROM c_match WHERE MATCH('hello') OPTION nosuch=1;
SELECT id FROM c_match WHERE MATCH('hello') ORDER BY id ASC OPTION comment='tagged', max_query_time=1000;
DROP TABLE c_match;
