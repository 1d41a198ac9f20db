DELETE FROM filings WHERE id = 2
