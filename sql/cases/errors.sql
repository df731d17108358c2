-- Errors in upstream's wording; the connection survives each of them.
SELECT * FROM c_nope;
INSERT INTO c_nope (id) VALUES (1);
REPLACE INTO c_nope (id) VALUES (1);
SELEC 1;
SELECT * FROM;
SELECT 1;
