UPDATE meta SET value = 'x' WHERE key = 'head_id'
