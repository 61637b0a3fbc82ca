# Data sets shipped with R's surveillance package (GPL-2, which this AGPL project cannot
# include, so only the outputs computed from them are committed).
# Usage:
#   Rscript package_data.R export DIR      write DIR/NAME.input.csv (date,count) per data set
#   Rscript package_data.R references FILE write farringtonFlexible references for all of them
# campyDE and salmNewport (summed over regions) are date-based (epochAsDate = TRUE), as R ships
# them; salmonella.agona, ha (summed over districts) and shadar are index-based.
suppressMessages(library(surveillance))
args <- commandArgs(trailingOnly = TRUE)
data("campyDE", "salmNewport", "salmonella.agona", "ha", "shadar", package = "surveillance")
sets <- list(
  campyDE = sts(observed = matrix(campyDE$case), epoch = as.numeric(campyDE$date),
                epochAsDate = TRUE, frequency = 52),
  salmNewport = aggregate(salmNewport, by = "unit"),
  agona = disProg2sts(salmonella.agona),
  ha = aggregate(disProg2sts(ha), by = "unit"),
  shadar = disProg2sts(shadar)
)
week_dates <- function(s) {
  if (s@epochAsDate) as.Date(s@epoch, origin = "1970-01-01")
  else as.Date("2000-01-03") + 7 * (seq_len(nrow(observed(s))) - 1)
}
if (args[1] == "export") {
  dir.create(args[2], showWarnings = FALSE, recursive = TRUE)
  for (nm in names(sets)) {
    s <- sets[[nm]]
    write.csv(data.frame(date = format(week_dates(s)), count = as.integer(observed(s)[, 1]),
                         epoch = if (s@epochAsDate) "date" else "index"),
              file.path(args[2], paste0(nm, ".input.csv")), row.names = FALSE)
  }
} else {
  configs <- list(
    farrington = list(b = 3, w = 3, alpha = 0.05),
    noufaily = list(b = 4, w = 3, noPeriods = 10, pastWeeksNotIncluded = 26,
                    weightsThreshold = 2.58, thresholdMethod = "nbPlugin", alpha = 0.05,
                    pThresholdTrend = 0.05),
    muan_sqrt = list(b = 2, w = 2, noPeriods = 10, pastWeeksNotIncluded = 0,
                     thresholdMethod = "muan", powertrans = "1/2", alpha = 0.01),
    delta_none = list(b = 5, w = 1, weightsThreshold = 1, powertrans = "none",
                      pThresholdTrend = 1, alpha = 0.01)
  )
  out <- list()
  for (nm in names(sets)) for (tag in names(configs)) {
    s <- sets[[nm]]
    n <- nrow(observed(s))
    control <- c(configs[[tag]], glmWarnings = FALSE)
    first <- max(n - 103, 52 * control$b + control$w + 1)
    repeat {
      control$range <- first:n
      r <- tryCatch(farringtonFlexible(s, control = control), error = function(e) NULL)
      if (!is.null(r) || first >= n) break
      first <- first + 1
    }
    th <- as.numeric(upperbound(r)[, 1])
    out[[length(out) + 1]] <- data.frame(
      dataset = nm, config = tag, week = first:n,
      threshold = ifelse(is.na(th), "NA", trimws(formatC(th, digits = 17, format = "g"))),
      alarm = as.integer(alarms(r)[, 1]))
  }
  write.csv(do.call(rbind, out), args[2], row.names = FALSE, quote = FALSE)
}
