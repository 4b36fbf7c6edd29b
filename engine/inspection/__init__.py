"""Reading finished traces for people: the events of a run (NaN/inf, exploding or
vanishing gradients, dying ReLUs), how two runs differ, figures, finite-difference checks
of the recorded gradients, the text of the ``nnanim trace`` commands and exports of the
scalar series.

Nothing here runs during training: every function takes a ``Trace`` (engine/trace/)
that is already on disk, and the CLI only parses arguments and prints what these return.

    events.py     find_events, grad_norm_series, dead_relu_fraction
    compare.py    config_diff, loss_parting_step, param_distance (two runs)
    plots.py      plot_trace, plot_diff (matplotlib, written atomically)
    gradcheck.py  gradcheck_step: recorded gradients against finite differences
    report.py     the lines of `trace info / show / diff / gradcheck / events`
    export.py     the scalar series as CSV or JSON
"""
