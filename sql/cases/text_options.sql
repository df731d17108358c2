-- Table text options: morphology, min_word_len, min_prefix_len, min_infix_len,
-- html_strip; NOW() and RAND() in expressions.
CREATE TABLE c_stem (title text) morphology='stem_en';
INSERT INTO c_stem (id, title) VALUES (1, 'running dogs'), (2, 'the dog runs'), (3, 'cats');
SELECT id FROM c_stem WHERE MATCH('run') ORDER BY id ASC;
SELECT id FROM c_stem WHERE MATCH('dog') ORDER BY id ASC;
CREATE TABLE c_short (title text) min_word_len='3';
INSERT INTO c_short (id, title) VALUES (1, 'a to abc'), (2, 'abc');
SELECT id FROM c_short WHERE MATCH('abc') ORDER BY id ASC;
SELECT id FROM c_short WHERE MATCH('to');
CREATE TABLE c_prefix (title text) min_prefix_len='3';
INSERT INTO c_prefix (id, title) VALUES (1, 'hello'), (2, 'help'), (3, 'shell');
SELECT id FROM c_prefix WHERE MATCH('hel*') ORDER BY id ASC;
CREATE TABLE c_infix (title text) min_infix_len='3';
INSERT INTO c_infix (id, title) VALUES (1, 'hello'), (2, 'help'), (3, 'shell');
SELECT id FROM c_infix WHERE MATCH('*ell*') ORDER BY id ASC;
CREATE TABLE c_html (title text) html_strip='1';
INSERT INTO c_html (id, title) VALUES (1, '<b>bold</b> words'), (2, 'plain words');
SELECT id FROM c_html WHERE MATCH('bold') ORDER BY id ASC;
SELECT id FROM c_html WHERE MATCH('b');
SHOW CREATE TABLE c_html;
SELECT id, NOW() > 1700000000 AS recent, RAND() < 1 AS r FROM c_html ORDER BY id ASC;
DROP TABLE c_stem;
DROP TABLE c_short;
DROP TABLE c_prefix;
DROP TABLE c_infix;
DROP TABLE c_html;
