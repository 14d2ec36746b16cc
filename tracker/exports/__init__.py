"""Documents built from the compliance figures: the decision × school matrix and the
execution-discipline report as ``.xlsx``, their print views and downloads."""
