"""Figures: slices (:mod:`.slices`), the figure catalogue (:mod:`.catalogue`), counting
one slice (:mod:`.counting`) or every slice at once (:mod:`.every_slice`), and the
snapshot every process shares, computed once per data version (:mod:`.snapshot`).

Home, the scorecards, ``/partners``, the board report and the digests read figures
from here, so a number on a page, in a PDF and in an email is defined once.
"""
