"""Where a detector looks: Grad-CAM heat maps of a trained classifier on face crops
(``gradcam``), a labelled comparison grid of several models on the same faces (``grid``) and
the files ``facecutout explain`` writes (``files``).

Grad-CAM comes from the maintained ``grad-cam`` package (pytorch-grad-cam); this package picks
the target layer of a timm backbone, maps the heat map back onto the input face and draws it."""
