-- readonly
-- A `_readonly` listener answers reads and refuses every write.
SELECT 1;
CREATE TABLE c_ro (title text);
INSERT INTO c_ro (title) VALUES ('x');
REPLACE INTO c_ro (title) VALUES ('x');
UPDATE c_ro SET n = 1 WHERE id = 1;
DELETE FROM c_ro WHERE id = 1;
TRUNCATE TABLE c_ro;
ALTER TABLE c_ro ADD COLUMN n int;
FLUSH RAMCHUNK c_ro;
OPTIMIZE TABLE c_ro;
DROP TABLE c_ro;
SHOW TABLES LIKE 'c_ro';
