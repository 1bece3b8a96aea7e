"""Hidden tests of lesson 02 (02_convolution.py): nbgrader runs them after the visible check.

One function per question, `hidden_qN` (`hidden_q6a` for q6.a), whose parameters are the notebook's names.
The build copies each function into the nbgrader source notebook's test cell, so each is
self-contained: it imports what it needs inside its body. They are unit-tested in
tests/test_hidden_tests.py (against the solution, and against tests/hidden_mistakes/ex2.py).
"""


def hidden_q6a(conv_output_size):
    """conv_output_size at other sizes, kernels, strides and paddings, by position and keyword, and its defaults."""
    import warnings
    import torch
    import torch.nn.functional as F
    from learntools.core import call_learner
    what = "your function `conv_output_size`"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for n, k, stride, padding in [(64, 5, 3, 2), (1, 1, 1, 0), (100, 7, 4, 3), (33, 4, 5, 1), (9, 9, 2, 4)]:
            expected = F.conv2d(torch.zeros(1, 1, n, 1), torch.zeros(1, 1, k, 1), stride=(stride, 1), padding=(padding, 0)).shape[2]
            assert call_learner(conv_output_size, n, k, stride, padding, what=what) == expected, (
                f"conv_output_size({n}, {k}, {stride}, {padding}) should be {expected}")
            assert call_learner(conv_output_size, n, kernel=k, stride=stride, padding=padding, what=what) == expected, (
                f"conv_output_size({n}, kernel={k}, stride={stride}, padding={padding}) should be {expected}")
        assert call_learner(conv_output_size, 28, 4, what=what) == 25, (  # default stride 1, padding 0
            "conv_output_size(28, 4) should be 25 (default stride 1, padding 0)")


def hidden_q6b(conv_transpose_output_size):
    """conv_transpose_output_size at other sizes, strides, paddings and output paddings, and its defaults."""
    import warnings
    import torch
    import torch.nn.functional as F
    from learntools.core import call_learner
    what = "your function `conv_transpose_output_size`"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for n, k, stride, padding, extra in [(7, 4, 2, 1, 0), (50, 5, 4, 2, 3), (1, 1, 1, 0, 0), (13, 3, 5, 1, 4), (6, 8, 3, 3, 2)]:
            expected = F.conv_transpose2d(torch.zeros(1, 1, n, 1), torch.zeros(1, 1, k, 1), stride=(stride, 1),
                                          padding=(padding, 0), output_padding=(extra, 0)).shape[2]
            assert call_learner(conv_transpose_output_size, n, k, stride, padding, extra, what=what) == expected, (
                f"conv_transpose_output_size({n}, {k}, {stride}, {padding}, {extra}) should be {expected}")
            assert call_learner(conv_transpose_output_size, n, kernel=k, stride=stride, padding=padding,
                                output_padding=extra, what=what) == expected, f"conv_transpose_output_size({n}, kernel={k}, ...) with keywords should be {expected}"
        assert call_learner(conv_transpose_output_size, 14, 4, what=what) == 17, (  # default stride 1, no padding
            "conv_transpose_output_size(14, 4) should be 17 (default stride 1, no padding)")


def hidden_q7(conv2d):
    """conv2d on non-square images, stride 3, kernel 5 and the default arguments, against F.conv2d."""
    import warnings
    import torch
    import torch.nn.functional as F
    from learntools.core import call_learner
    generator = torch.Generator().manual_seed(20702)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # non-square images, stride 3, kernel 5, the default arguments
        for h, w, k, stride, padding in [(5, 8, 3, 1, 0), (9, 6, 2, 2, 1), (10, 10, 3, 3, 1), (7, 12, 5, 3, 2), (6, 4, 3, None, None)]:
            image, kernel = torch.randn(h, w, generator=generator), torch.randn(k, k, generator=generator)
            args = (image.clone(), kernel.clone()) if stride is None else (image.clone(), kernel.clone(), stride, padding)
            expected = F.conv2d(image[None, None], kernel[None, None], stride=stride or 1, padding=padding or 0)[0, 0]
            got = torch.as_tensor(call_learner(conv2d, *args, what="your function `conv2d`"), dtype=torch.float32)
            assert got.shape == expected.shape and torch.allclose(got, expected, atol=1e-4), (
                f"conv2d on a {h}x{w} image, kernel {k}, stride {stride}, padding {padding} differs from F.conv2d")


def hidden_q8(conv_transpose2d):
    """conv_transpose2d on non-square inputs, stride 3, kernel 5 and the default arguments, against F.conv_transpose2d."""
    import warnings
    import torch
    import torch.nn.functional as F
    from learntools.core import call_learner
    generator = torch.Generator().manual_seed(20802)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # non-square inputs, stride 3, kernel 5, the default arguments
        for h, w, k, stride, padding in [(2, 5, 3, 1, 0), (4, 3, 4, 2, 1), (3, 3, 5, 3, 2), (1, 6, 2, 3, 0), (3, 2, 3, None, None)]:
            image, kernel = torch.randn(h, w, generator=generator), torch.randn(k, k, generator=generator)
            args = (image.clone(), kernel.clone()) if stride is None else (image.clone(), kernel.clone(), stride, padding)
            expected = F.conv_transpose2d(image[None, None], kernel[None, None], stride=stride or 1, padding=padding or 0)[0, 0]
            got = torch.as_tensor(call_learner(conv_transpose2d, *args, what="your function `conv_transpose2d`"), dtype=torch.float32)
            assert got.shape == expected.shape and torch.allclose(got, expected, atol=1e-4), (
                f"conv_transpose2d on a {h}x{w} input, kernel {k}, stride {stride}, padding {padding} differs from F.conv_transpose2d")


def hidden_q9(convolution_matrix):
    """convolution_matrix for other kernel and image sizes: its shape, and W @ image against F.conv2d."""
    import warnings
    import torch
    import torch.nn.functional as F
    from learntools.core import call_learner
    generator = torch.Generator().manual_seed(20902)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for k, n in [(3, 6), (4, 7), (5, 5), (1, 4), (2, 8)]:
            kernel, image = torch.randn(k, k, generator=generator), torch.randn(n, n, generator=generator)
            W = torch.as_tensor(call_learner(convolution_matrix, kernel.clone(), n, what="your function `convolution_matrix`"),
                                dtype=torch.float32)
            m = n - k + 1
            assert W.shape == (m * m, n * n), (
                f"convolution_matrix(kernel {k}, {n}) has shape {tuple(W.shape)}, not {(m * m, n * n)}")
            expected = F.conv2d(image[None, None], kernel[None, None])[0, 0].flatten()
            assert torch.allclose(W @ image.flatten(), expected, atol=1e-4), (
                f"convolution_matrix(kernel {k}, {n}) @ image differs from F.conv2d")
