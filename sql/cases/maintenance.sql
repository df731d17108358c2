-- FLUSH RAMCHUNK and OPTIMIZE TABLE: every document stays searchable.
CREATE TABLE c_maint (title text, price int);
INSERT INTO c_maint (id, title, price) VALUES (1, 'alpha', 10), (2, 'beta', 20);
FLUSH RAMCHUNK c_maint;
INSERT INTO c_maint (id, title, price) VALUES (3, 'alpha beta', 30);
OPTIMIZE TABLE c_maint;
SELECT id, price FROM c_maint WHERE MATCH('alpha') ORDER BY id ASC;
FLUSH RAMCHUNK c_nope;
OPTIMIZE TABLE c_nope;
DROP TABLE c_maint;
