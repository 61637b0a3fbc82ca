# Time R's farringtonFlexible (Noufaily settings) on the series of a wide CSV (one column per
# series, one row per week) and write its thresholds and alarms for the last `n_eval` weeks.
# Usage: Rscript time_farrington.R IN.csv OUT.csv N_EVAL [FIRST_DATE]
# With FIRST_DATE (YYYY-MM-DD, the first week's date) the sts is date-based (epochAsDate = TRUE).
suppressMessages(library(surveillance))
args <- commandArgs(trailingOnly = TRUE)
y <- as.matrix(read.csv(args[1]))
n_eval <- as.integer(args[3])
n <- nrow(y)
rg <- (n - n_eval + 1):n
s <- if (length(args) >= 4) {
  dates <- as.Date(args[4]) + 7 * (seq_len(n) - 1)
  sts(observed = y, epoch = as.numeric(dates), epochAsDate = TRUE, frequency = 52)
} else {
  sts(observed = y, start = c(2000, 1), frequency = 52)
}
control <- list(range = rg, b = 4, w = 3, noPeriods = 10, pastWeeksNotIncluded = 26,
                weightsThreshold = 2.58, thresholdMethod = "nbPlugin", alpha = 0.05,
                pThresholdTrend = 0.05, glmWarnings = FALSE)
timing <- system.time(r <- farringtonFlexible(s, control = control))
elapsed <- timing[["elapsed"]]
cpu <- timing[["user.self"]] + timing[["sys.self"]]
out <- data.frame(series = rep(seq_len(ncol(y)) - 1, each = length(rg)),
                  week = rep(rg - 1, times = ncol(y)),
                  threshold = as.numeric(upperbound(r)),
                  alarm = as.integer(alarms(r)))
write.csv(out, args[2], row.names = FALSE)
cat(sprintf("cpu %.6f\n", cpu))
cat(sprintf("elapsed %.6f\n", elapsed))
