-- Errors in upstream's wording; the connection survives each of them.
SELECT * FROM c_nope;
SELECT * FROM c_nope, c_nope2;
INSERT INTO c_nope (id) VALUES (1);
REPLACE INTO c_nope (id) VALUES (1);
UPDATE c_nope SET n = 1 WHERE id = 1;
DELETE FROM c_nope WHERE id = 1;
DROP TABLE c_nope;
TRUNCATE TABLE c_nope;
DESCRIBE c_nope;
SHOW CREATE TABLE c_nope;
ALTER TABLE c_nope ADD COLUMN n int;
SELEC 1;
SELECT * FROM;
SELECT 1;
