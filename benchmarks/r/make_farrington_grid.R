# Reference outputs of R surveillance::farringtonFlexible (Debian r-cran-surveillance 1.20.3) on
# random weekly series of varied shapes, each run both index-based (an sts without dates) and
# date-based (epochAsDate = TRUE), with controls sampled from the grid of issue 27.
#
# Usage: Rscript make_farrington_grid.R OUTPUT_DIR [N_SERIES] [SEED]
#
# Writes three compact CSV files:
#   series.csv   id, shape, start (first week's date), counts (space-separated) and the
#                population of each calendar year (YEAR:POPULATION, space-separated)
#   runs.csv     run, id, epoch (index|date), the control values, first and last evaluated week
#   results.csv  run, week (1-based), threshold (17 significant digits, NA), alarm (0/1/NA)
suppressMessages(library(surveillance))
args <- commandArgs(trailingOnly = TRUE)
out <- args[1]
n_series <- if (length(args) >= 2) as.integer(args[2]) else 300L
seed <- if (length(args) >= 3) as.integer(args[3]) else 27L
dir.create(out, showWarnings = FALSE, recursive = TRUE)
RNGkind("Mersenne-Twister", "Inversion", "Rejection")
set.seed(seed)

grid <- list(
  b = 1:5, w = 1:4, noPeriods = c(1, 10), pastWeeksNotIncluded = c(0, 26),
  weightsThreshold = c(1, 2.58), thresholdMethod = c("delta", "nbPlugin", "muan"),
  powertrans = c("2/3", "1/2", "none"), pThresholdTrend = c(0.05, 1), alpha = c(0.01, 0.05),
  populationOffset = c(FALSE, TRUE)
)
# Every value of every control appears: each column cycles through its values, shuffled.
n_runs <- 2 * n_series
controls <- as.data.frame(lapply(grid, function(v) sample(rep_len(v, n_runs))),
                          stringsAsFactors = FALSE)

shapes <- c("seasonal", "sparse", "bursty", "trending", "large", "baseline_outbreaks", "short")

make_counts <- function(shape, n) {
  t <- seq_len(n)
  season <- function(amp) amp * sin(2 * pi * t / 52.18 + runif(1, 0, 2 * pi))
  nb <- function(mu, size) rnbinom(n, mu = mu, size = size)
  y <- switch(shape,
    seasonal = nb(exp(log(runif(1, 2, 30)) + season(runif(1, 0, 0.8))), runif(1, 2, 30)),
    sparse = rpois(n, exp(log(runif(1, 0.03, 0.6)) + season(runif(1, 0, 1)))),
    bursty = {
      y <- integer(n)
      for (s in which(runif(n) < runif(1, 0.03, 0.12))) {
        idx <- s:min(s + 2, n)
        y[idx] <- y[idx] + rpois(length(idx), runif(1, 1, 6))
      }
      y
    },
    trending = nb(exp(log(runif(1, 3, 20)) + runif(1, -0.008, 0.012) * t + season(runif(1, 0, 0.5))),
                  runif(1, 3, 40)),
    large = nb(exp(log(runif(1, 150, 3000)) + season(runif(1, 0, 0.6)) + runif(1, -0.002, 0.003) * t),
               runif(1, 5, 200)),
    baseline_outbreaks = {
      mu <- exp(log(runif(1, 2, 25)) + season(runif(1, 0, 0.6)))
      y <- nb(mu, runif(1, 3, 30))
      for (o in seq_len(sample(2:6, 1))) {
        s <- sample(seq_len(n - 6), 1)
        idx <- s:(s + sample(1:5, 1))
        y[idx] <- y[idx] + rpois(length(idx), mu[idx] * runif(1, 1, 5))
      }
      y
    },
    short = nb(exp(log(runif(1, 1, 15)) + season(runif(1, 0, 0.7))), runif(1, 2, 20))
  )
  as.integer(y)
}

# Populations change once a year (on 1 January), growing or shrinking a few percent a year.
make_population <- function(dates) {
  years <- as.integer(format(dates, "%Y"))
  base <- runif(1, 2e4, 2e6)
  growth <- runif(1, -0.03, 0.06)
  round(base * (1 + growth)^(years - min(years)) * exp(rnorm(1, 0, 0.01)))
}

series <- vector("list", n_series)
runs <- list()
results <- list()
run_id <- 0L
for (id in seq_len(n_series)) {
  shape <- shapes[(id - 1) %% length(shapes) + 1]
  # Any weekday, any year from 1998 to 2016; some series start right before a 53-week ISO year.
  start <- as.Date("1998-01-01") + sample(0:(19 * 365), 1)
  for (which_run in 1:2) {
    run_id <- run_id + 1L
    ctl <- controls[run_id, ]
    epoch <- if (which_run == 1) "index" else "date"
    if (which_run == 1) {
      b_max <- max(ctl$b, controls[run_id + 1, "b"])
      w_max <- max(ctl$w, controls[run_id + 1, "w"])
      n_eval <- if (shape == "short") sample(2:4, 1) else sample(3:6, 1)
      n <- 53 * b_max + w_max + 2 + n_eval + if (shape == "short") 0 else sample(0:60, 1)
      dates <- start + 7 * (seq_len(n) - 1)
      y <- make_counts(shape, n)
      pop <- make_population(dates)
      series[[id]] <- data.frame(id = id, shape = shape, start = format(start),
                                 counts = paste(y, collapse = " "),
                                 population = paste0(unique(format(dates, "%Y")), ":",
                                                     format(pop[!duplicated(format(dates, "%Y"))],
                                                            scientific = FALSE, trim = TRUE),
                                                     collapse = " "))
    }
    first <- n - n_eval + 1
    if (shape == "short") {
      # Start from the first week that has enough history for this run's b and w.
      first <- if (epoch == "index") 52 * ctl$b + ctl$w + 1 else 52 * ctl$b + ctl$w + 2
    }
    control <- list(b = ctl$b, w = ctl$w, noPeriods = ctl$noPeriods,
                    pastWeeksNotIncluded = ctl$pastWeeksNotIncluded,
                    weightsThreshold = ctl$weightsThreshold,
                    thresholdMethod = ctl$thresholdMethod, powertrans = ctl$powertrans,
                    pThresholdTrend = ctl$pThresholdTrend, alpha = ctl$alpha,
                    populationOffset = ctl$populationOffset, glmWarnings = FALSE)
    s <- if (epoch == "date") {
      sts(observed = matrix(y), epoch = as.numeric(dates), epochAsDate = TRUE, frequency = 52,
          population = matrix(pop))
    } else {
      sts(observed = matrix(y), start = c(2000, 1), frequency = 52, population = matrix(pop))
    }
    fit <- function(range) {
      control$range <- range
      tryCatch(suppressWarnings(farringtonFlexible(s, control = control)),
               error = function(e) conditionMessage(e))
    }
    r <- fit(first:n)
    # A lack of history moves the first evaluated week on.
    while (is.character(r) && grepl("reference time points|subscripts", r) && first < n) {
      first <- first + 1
      r <- fit(first:n)
    }
    if (is.character(r)) {
      # R stops on some weeks (a factor level left with a single week, e.g. b = 1 with
      # noPeriods = 10 and pastWeeksNotIncluded = 26): evaluate week by week, mark those.
      parts <- lapply(first:n, fit)
      th <- vapply(parts, function(p) if (is.character(p)) NA_real_ else upperbound(p)[1, 1], 0)
      al <- vapply(parts, function(p) if (is.character(p)) NA_integer_ else as.integer(alarms(p)[1, 1]), 0L)
      err <- vapply(parts, is.character, TRUE)
    } else {
      th <- as.numeric(upperbound(r)[, 1])
      al <- as.integer(alarms(r)[, 1])
      err <- rep(FALSE, length(th))
    }
    results[[run_id]] <- data.frame(
      run = run_id, week = first:n,
      threshold = ifelse(err, "ERROR", ifelse(is.na(th), "NA", trimws(formatC(th, digits = 17, format = "g")))),
      alarm = al)
    runs[[run_id]] <- data.frame(run = run_id, id = id, epoch = epoch, ctl, first = first, last = n,
                                 stringsAsFactors = FALSE)
  }
  # Written after every series, so that an interrupted run still leaves complete series.
  if (id %% 10 == 0 || id == n_series) {
    write.csv(do.call(rbind, series), file.path(out, "series.csv"), row.names = FALSE)
    write.csv(do.call(rbind, runs), file.path(out, "runs.csv"), row.names = FALSE)
    write.csv(do.call(rbind, results), file.path(out, "results.csv"), row.names = FALSE,
              quote = FALSE)
    cat(id, "series done\n")
  }
}
cat("ok", n_series, "series,", run_id, "runs\n")
