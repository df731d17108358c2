-- CREATE TABLE with every column type and text options, DESCRIBE, SHOW CREATE TABLE,
-- SHOW TABLES, ALTER TABLE, TRUNCATE, DROP.
CREATE TABLE c_ddl (title text, body text indexed, tag string, price int, big bigint, score float, ok bool, ts timestamp, meta json, tags multi, ids multi64) morphology='stem_en' min_word_len='2';
DESCRIBE c_ddl;
SHOW CREATE TABLE c_ddl;
SHOW TABLES LIKE 'c_dd%';
CREATE TABLE c_ddl (title text);
CREATE TABLE IF NOT EXISTS c_ddl (title text);
ALTER TABLE c_ddl ADD COLUMN extra bigint;
ALTER TABLE c_ddl DROP COLUMN price;
ALTER TABLE c_ddl DROP COLUMN price;
DESC c_ddl;
DESCRIBE c_ddl LIKE 't%';
INSERT INTO c_ddl (id, title, extra) VALUES (1, 'x', 5);
SELECT id, title, extra FROM c_ddl;
TRUNCATE TABLE c_ddl;
SELECT id FROM c_ddl;
SELECT count(*) AS c FROM c_ddl;
DROP TABLE c_ddl;
DROP TABLE IF EXISTS c_ddl;
SHOW TABLES LIKE 'c_dd%';
