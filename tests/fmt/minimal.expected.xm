rules "最小" {
}
