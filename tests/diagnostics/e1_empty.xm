# expect: E102@2:1
