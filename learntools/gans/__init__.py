"""The GAN Workshop: each lesson's checks, and the reference GAN library learners read and copy.

The map (module or folder, what it holds, which lesson teaches it). The checks may import the
library; the library never imports the checks (docs/architecture.md).

The course's checks (one module per lesson; a notebook runs `from learntools.gans.exN import *`):
- ex1.py, ex2.py, ex3.py, ex4.py, ex5.py, ex6.py, ex7.py, ex8.py, ex9.py, ex10.py: the questions of lessons 01 to 10
  (exN.py checks lesson NN)
- ex11.py:     lesson 11's lab: diagnosing nine precomputed runs, fixing a step with two bugs
- ex12.py:     lesson 12: DiffAugment's translation, cutout and training step, written by hand
- ex13.py:     lesson 13's lab: k-NN radii, precision and recall, comparing Frechet distances honestly
- ex14.py:     lesson 14: stroke thickness and slant, wrong captions, GAN-CLS's matching-aware D loss
- ex15.py:     lesson 15's case studies: pix2pixHD's feature matching, TL-GAN's orthogonal directions
- checking/: what the lessons' checks share: reading traced models (03, 04), unwritten functions, stand-in
             networks and mistake tables (05-10), one tolerance rule (its __init__ is the map)

The reference GAN library:
- data/:       real digits, toy 2-D data, paired and unpaired image sets, batches (lessons 01, 03-10)
- models/:     hand-written convolution (02), DCGAN and MLPs (01, 03, 04), conditional (08),
               pix2pix (09), CycleGAN, SRResNet and StyleGAN's pieces (10), pix2pixHD's pieces (15)
- losses.py:   the GAN losses by name: minimax, non-saturating, least squares, hinge, WGAN-GP (lessons 05, 07)
- training/:   GANTrainer, the D step and the G step first (01, 05, 06), and its variants (08, 09, 10, 12)
- evaluation/: the digit classifier's quality figures (06, 08, 09), class accuracy (08), L1/PSNR (09, 10),
               nearest neighbours, precision and recall, the Frechet distance against n (13)
- display/:    image grids and loss curves (03-10), the interactive widgets (02, 08)
- toy.py:      the 2-D GAN watched while it learns, mode counting, the GAN diagram (lesson 01)
- latent.py:   lerp and slerp between noise vectors, truncated noise (lesson 06); feature directions (15)
- theory.py:   GAN theory you can compute: toy densities, D*, JS by quadrature, two-player game steps,
               the Dirac-GAN with R1, power iteration for spectral normalisation (lesson 07)
- runtime.py:  the one place that picks the device (CUDA, MPS or CPU) and tells a notebook from a script
- weights/:    the digit classifier's and the pre-trained generator's shipped weights (not a package)
- experiments/: scripts that precompute what a lesson shows, and the files they write (lessons 11, 12, 14)

Tools on top of the library:
- recipes.py:  named, seeded training set-ups ("toy", "dcgan", "cgan", "pix2pix-edges", ...) (lesson 06)
- pretrained.py: the dcgan recipe's generator trained ahead of time, and the script that makes it (lesson 06)
- cli.py:      `python -m learntools.gans train | sample | evaluate` (lesson 06's extra)
- __main__.py: runs cli.main, so that `python -m learntools.gans` works
"""
