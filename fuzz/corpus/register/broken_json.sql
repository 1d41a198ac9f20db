UPDATE filings SET diagnostics = '{broken' WHERE id = 1
UPDATE filings SET ir = '[' WHERE id = 2
