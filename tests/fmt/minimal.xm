rules "最小" {}
