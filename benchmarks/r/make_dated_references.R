# Date-based Farrington references (sts with epochAsDate = TRUE) for the synthetic fixture
# series: R chooses the reference weeks by calendar date, as `concord surveillance detect` does.
# Usage: Rscript make_dated_references.R FIXTURE_DIR
# Reads NAME.input.csv (date,count) and writes NAME.TAG_dated.reference.csv
# (date,count,threshold,alarm) for the last 104 weeks (or from the first possible week).
suppressMessages(library(surveillance))
dir <- commandArgs(trailingOnly = TRUE)[1]
configs <- list(
  farrington_flexible_default = list(b = 3, w = 3, alpha = 0.05),
  farrington_noufaily = list(b = 4, w = 3, noPeriods = 10, pastWeeksNotIncluded = 26,
                             weightsThreshold = 2.58, thresholdMethod = "nbPlugin",
                             alpha = 0.05, pThresholdTrend = 0.05),
  farrington_nolimit = list(b = 3, w = 3, alpha = 0.05, limit54 = c(0, 4)),
  noufaily_nolimit = list(b = 4, w = 3, noPeriods = 10, pastWeeksNotIncluded = 26,
                          weightsThreshold = 2.58, thresholdMethod = "nbPlugin",
                          alpha = 0.05, pThresholdTrend = 0.05, limit54 = c(0, 4))
)
for (name in c("sparse", "trend", "short", "outbreak", "bursty")) {
  d <- read.csv(file.path(dir, paste0(name, ".input.csv")))
  dates <- as.Date(d$date)
  s <- sts(observed = matrix(d$count), epoch = as.numeric(dates), epochAsDate = TRUE,
           frequency = 52)
  n <- nrow(d)
  for (tag in names(configs)) {
    control <- configs[[tag]]
    first <- max(n - 103, 52 * control$b)
    repeat {
      control$range <- first:n
      r <- tryCatch(farringtonFlexible(s, control = c(control, glmWarnings = FALSE)),
                    error = function(e) NULL)
      if (!is.null(r) || first >= n) break
      first <- first + 1
    }
    df <- data.frame(date = format(dates[first:n]), count = d$count[first:n],
                     threshold = as.numeric(upperbound(r)[, 1]),
                     alarm = as.integer(alarms(r)[, 1]))
    write.csv(df, file.path(dir, paste0(name, ".", tag, "_dated.reference.csv")),
              row.names = FALSE)
  }
}
cat("ok\n")
