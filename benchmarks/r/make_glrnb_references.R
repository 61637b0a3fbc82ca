# Reference outputs of R surveillance::glrnb (Debian r-cran-surveillance 1.20.3, MASS glm.nb for
# the in-control model) on random weekly series of varied shapes, with controls sampled from a
# grid of c.ARL, Mtilde, M (the window), dir, the mu0 model (S harmonics, trend) and alpha
# (estimated by glm.nb when NULL, else fixed).
#
# Usage: Rscript make_glrnb_references.R OUTPUT_DIR [N_SERIES] [SEED]
#
# Writes three compact CSV files:
#   series.csv   id, shape, counts (space-separated)
#   runs.csv     run, id, the control values (alpha "NULL" = estimated), first and last
#                evaluated week (1-based, R's range), the alpha R used (17 significant digits)
#   results.csv  run, week (1-based), mu0, the GLR statistic (R's upperbound with
#                ret = "value", 17 significant digits), alarm (0/1)
suppressMessages(library(surveillance))
args <- commandArgs(trailingOnly = TRUE)
out <- args[1]
n_series <- if (length(args) >= 2) as.integer(args[2]) else 160L
seed <- if (length(args) >= 3) as.integer(args[3]) else 27L
dir.create(out, showWarnings = FALSE, recursive = TRUE)
RNGkind("Mersenne-Twister", "Inversion", "Rejection")
set.seed(seed)

grid <- list(
  c.ARL = c(2, 5, 8), Mtilde = c(1, 1, 2, 3), M = c(-1, -1, 10, 26), dir = c("inc", "inc", "dec"),
  S = c(1, 1, 2, 0), trend = c(FALSE, FALSE, TRUE), alpha = c("NULL", "NULL", "NULL", "0.1", "0.5")
)
controls <- as.data.frame(lapply(grid, function(v) sample(rep_len(v, n_series))),
                          stringsAsFactors = FALSE)
shapes <- c("seasonal", "trending", "large", "outbreaks", "low", "overdispersed")

make_counts <- function(shape, n, first) {
  t <- seq_len(n)
  season <- function(amp) amp * sin(2 * pi * t / 52 + runif(1, 0, 2 * pi))
  nb <- function(mu, size) rnbinom(n, mu = mu, size = size)
  y <- switch(shape,
    seasonal = nb(exp(log(runif(1, 3, 30)) + season(runif(1, 0, 0.8))), runif(1, 3, 40)),
    trending = nb(exp(log(runif(1, 3, 20)) + runif(1, -0.006, 0.01) * t + season(runif(1, 0, 0.5))),
                  runif(1, 3, 40)),
    large = nb(exp(log(runif(1, 150, 3000)) + season(runif(1, 0, 0.6))), runif(1, 10, 300)),
    outbreaks = {
      mu <- exp(log(runif(1, 2, 25)) + season(runif(1, 0, 0.6)))
      y <- nb(mu, runif(1, 3, 30))
      # Outbreaks in the evaluated weeks (and one in the training weeks), so that GLR alarms
      # and restarts after them.
      for (o in seq_len(sample(1:4, 1))) {
        s <- sample(seq(max(1, first - 60), n - 3), 1)
        idx <- s:min(n, s + sample(1:6, 1))
        y[idx] <- y[idx] + rpois(length(idx), mu[idx] * runif(1, 1, 4))
      }
      y
    },
    low = nb(exp(log(runif(1, 0.8, 3)) + season(runif(1, 0, 0.8))), runif(1, 1, 10)),
    overdispersed = nb(exp(log(runif(1, 5, 40)) + season(runif(1, 0, 0.6))), runif(1, 0.7, 3))
  )
  as.integer(y)
}

series <- vector("list", n_series)
runs <- vector("list", n_series)
results <- vector("list", n_series)
for (id in seq_len(n_series)) {
  shape <- shapes[(id - 1) %% length(shapes) + 1]
  ctl <- controls[id, ]
  n_train <- sample(c(52, 78, 104, 156, 208), 1)
  n_eval <- sample(c(26, 52, 80), 1)
  n <- n_train + n_eval
  first <- n_train + 1
  y <- make_counts(shape, n, first)
  series[[id]] <- data.frame(id = id, shape = shape, counts = paste(y, collapse = " "))
  s <- sts(observed = matrix(y), start = c(2000, 1), frequency = 52)
  control <- list(range = first:n, c.ARL = ctl$c.ARL, Mtilde = ctl$Mtilde, M = ctl$M,
                  dir = ctl$dir, mu0 = list(S = ctl$S, trend = ctl$trend), ret = "value")
  if (ctl$alpha != "NULL") control$alpha <- as.numeric(ctl$alpha)
  r <- suppressMessages(suppressWarnings(glrnb(s, control = control)))
  value <- as.numeric(upperbound(r)[, 1])
  results[[id]] <- data.frame(
    run = id, week = first:n,
    mu0 = trimws(formatC(r@control$mu0, digits = 17, format = "g")),
    value = trimws(formatC(value, digits = 17, format = "g")),
    alarm = as.integer(alarms(r)[, 1]))
  runs[[id]] <- data.frame(run = id, id = id, ctl, first = first, last = n,
                           alpha_used = trimws(formatC(r@control$alpha, digits = 17, format = "g")),
                           stringsAsFactors = FALSE)
}
write.csv(do.call(rbind, series), file.path(out, "series.csv"), row.names = FALSE)
write.csv(do.call(rbind, runs), file.path(out, "runs.csv"), row.names = FALSE)
write.csv(do.call(rbind, results), file.path(out, "results.csv"), row.names = FALSE, quote = FALSE)
cat("ok", n_series, "series\n")
