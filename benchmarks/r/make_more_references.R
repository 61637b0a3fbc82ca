# More reference outputs from the R package 'surveillance' (1.20.3) on synthetic weekly series.
# Usage: Rscript make_more_references.R OUTPUT_DIR
# Writes NAME.input.csv (date,count) and NAME.METHOD.reference.csv (date,count,threshold,alarm)
# for four deterministic series: sparse (zero-heavy), trend, short (just enough history for
# every method) and outbreak (a big outbreak in the evaluated range plus past ones).
suppressMessages(library(surveillance))
out <- commandArgs(trailingOnly = TRUE)[1]
dir.create(out, showWarnings = FALSE, recursive = TRUE)
RNGkind("Mersenne-Twister", "Inversion", "Rejection")

week_dates <- function(n) as.Date("2000-01-03") + 7 * (seq_len(n) - 1)
seasonal <- function(n, base, amp) exp(base + amp * sin(2 * pi * seq_len(n) / 52))

set.seed(20240601)
series <- list()
series$sparse <- rpois(312, seasonal(312, log(0.25), 0.8))
n <- 312
series$trend <- rpois(n, exp(log(3) + 0.006 * seq_len(n) + 0.4 * cos(2 * pi * seq_len(n) / 52)))
series$short <- rnbinom(220, mu = seasonal(220, log(6), 0.5), size = 5)
y <- rnbinom(312, mu = seasonal(312, log(8), 0.6), size = 8)
y[c(100:103, 160:161)] <- y[c(100:103, 160:161)] + c(12, 25, 18, 6, 15, 9)  # past outbreaks
y[270:274] <- y[270:274] + c(10, 30, 45, 28, 12)  # the big one, inside the evaluated range
series$outbreak <- y
# Mostly zeros with short bursts, so that baselines are zero-heavy yet limit54 lets some through.
y <- integer(312)
for (t in which(runif(312) < 0.07)) {
  burst <- rpois(3, c(3, 2, 1))
  idx <- t:min(t + 2, 312)
  y[idx] <- y[idx] + burst[seq_along(idx)]
}
series$bursty <- y

write_in <- function(name, y) {
  write.csv(data.frame(date = format(week_dates(length(y))), count = as.integer(y)),
            file.path(out, paste0(name, ".input.csv")), row.names = FALSE)
}
write_ref <- function(name, y, r, rg) {
  stopifnot(length(rg) == nrow(observed(r)), all(observed(r)[, 1] == y[rg]))
  df <- data.frame(date = format(week_dates(length(y))[rg]), count = as.integer(y[rg]),
                   threshold = as.numeric(upperbound(r)[, 1]), alarm = as.integer(alarms(r)[, 1]))
  write.csv(df, file.path(out, paste0(name, ".reference.csv")), row.names = FALSE)
}

for (nm in names(series)) {
  y <- series[[nm]]
  write_in(nm, y)
  s <- sts(observed = matrix(y, ncol = 1), start = c(2000, 1), frequency = 52)
  n <- length(y)
  # The short series is evaluated from the first week each method can handle.
  from <- function(min_k) if (nm == "short") min_k else max(n - 103, min_k)
  run <- function(tag, rg, f) write_ref(paste0(nm, tag), y, f(rg), rg)
  run(".farrington_flexible_default", from(3 * 52 + 3 + 1):n,
      function(rg) farringtonFlexible(s, control = list(range = rg, b = 3, w = 3, alpha = 0.05)))
  run(".farrington_noufaily", from(4 * 52 + 3 + 1):n,
      function(rg) farringtonFlexible(s, control = list(
        range = rg, b = 4, w = 3, noPeriods = 10, pastWeeksNotIncluded = 26,
        weightsThreshold = 2.58, thresholdMethod = "nbPlugin", alpha = 0.05,
        pThresholdTrend = 0.05)))
  for (m in c("C1", "C2", "C3")) {
    lag <- switch(m, C1 = 7, C2 = 9, C3 = 11)
    run(paste0(".ears_", tolower(m)), from(lag + 1):n,
        function(rg) earsC(s, control = list(range = rg, method = m, baseline = 7, alpha = 0.001)))
  }
  run(".cusum_standard", from(2):n,
      function(rg) cusum(s, control = list(range = rg, k = 1.04, h = 2.26, trans = "standard")))
  if (nm %in% c("sparse", "bursty")) {
    # Without the "5 cases in 4 weeks" rule, thresholds come from all-zero-heavy baselines.
    run(".farrington_nolimit", from(3 * 52 + 3 + 1):n,
        function(rg) farringtonFlexible(s, control = list(range = rg, b = 3, w = 3, alpha = 0.05,
                                                          limit54 = c(0, 4))))
    run(".noufaily_nolimit", from(4 * 52 + 3 + 1):n,
        function(rg) farringtonFlexible(s, control = list(
          range = rg, b = 4, w = 3, noPeriods = 10, pastWeeksNotIncluded = 26,
          weightsThreshold = 2.58, thresholdMethod = "nbPlugin", alpha = 0.05,
          pThresholdTrend = 0.05, limit54 = c(0, 4))))
  }
}
cat("ok\n")
