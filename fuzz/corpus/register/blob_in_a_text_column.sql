UPDATE filings SET branch = X'ff00fe' WHERE id = 1
