"""Lesson 11's hidden tests: the fixed training step at other sizes, with Adam, and with BatchNorm."""


def hidden_q3(train_step):
    """train_step at other batch and noise sizes with Adam, and on networks with BatchNorm: D is updated on a
    detached fake batch, G's update holds only this step's G loss, both stay in training mode."""
    import copy
    import warnings
    import torch
    from torch import nn
    from learntools.core import call_learner
    from learntools.gans.losses import nonsaturating_d, nonsaturating_g
    what = "your function `train_step`"

    class Recording(nn.Module):  # remembers every input, and whether G had gradients when D stepped
        def __init__(self, net):
            super().__init__()
            self.net, self.inputs = net, []

        def forward(self, x):
            self.inputs.append(x.detach().clone())
            return self.net(x)

    with warnings.catch_warnings(), torch.random.fork_rng(devices=[]):
        warnings.simplefilter("ignore")
        torch.manual_seed(51103)
        for batch_size, z_dim in [(5, 4), (2, 6)]:
            G = Recording(nn.Sequential(nn.Linear(z_dim, 16), nn.Tanh(), nn.Unflatten(1, (1, 4, 4))))
            D = Recording(nn.Sequential(nn.Flatten(), nn.Linear(16, 1)))
            real = torch.rand(batch_size, 1, 4, 4) * 2 - 1
            for p in list(G.parameters()) + list(D.parameters()):
                p.grad = torch.full_like(p, 0.5)  # left over from the step before
            G_before, D_before = copy.deepcopy(G), copy.deepcopy(D)
            opt_g, opt_d = torch.optim.Adam(G.parameters(), lr=0.01), torch.optim.Adam(D.parameters(), lr=0.01)
            g_grads_when_d_stepped = []
            original_step = opt_d.step

            def watched_step(*args, **kwargs):
                g_grads_when_d_stepped.append([None if p.grad is None else p.grad.clone() for p in G.parameters()])
                return original_step(*args, **kwargs)

            opt_d.step = watched_step
            result = call_learner(train_step, G, D, real, opt_g, opt_d, z_dim, what=what)
            assert isinstance(result, (tuple, list)) and len(result) == 2, "train_step should return (d_loss, g_loss)"
            assert g_grads_when_d_stepped, "train_step should call opt_d.step()"
            assert all(g is None or bool(torch.all((g == 0) | (g == 0.5))) for g in g_grads_when_d_stepped[0]), (
                "when D stepped, G had fresh gradients: the D loss still reaches G (detach the fakes in the D step)")
            assert len(G.inputs) >= 2, "train_step should make fakes for both steps"
            first_z, last_z = G.inputs[0], G.inputs[-1]
            # The reference: Adam on D from cleared gradients, then Adam on G's loss alone.
            ref_G, ref_D = copy.deepcopy(G_before), copy.deepcopy(D_before)
            ref_opt_g, ref_opt_d = torch.optim.Adam(ref_G.parameters(), lr=0.01), torch.optim.Adam(ref_D.parameters(), lr=0.01)
            d_loss = nonsaturating_d(ref_D(real), ref_D(ref_G(first_z).detach()))
            ref_opt_d.zero_grad()
            d_loss.backward()
            ref_opt_d.step()
            g_loss = nonsaturating_g(ref_D(ref_G(last_z)))
            ref_opt_g.zero_grad()
            g_loss.backward()
            ref_opt_g.step()
            assert abs(float(result[0]) - float(d_loss)) <= 1e-4 * (1 + abs(float(d_loss))), (
                f"train_step's d_loss is {float(result[0]):.6g}, expected {float(d_loss):.6g}")
            assert abs(float(result[1]) - float(g_loss)) <= 1e-4 * (1 + abs(float(g_loss))), (
                f"train_step's g_loss is {float(result[1]):.6g}, expected {float(g_loss):.6g}")
            assert all(torch.allclose(a, b, atol=1e-6) for a, b in zip(D.parameters(), ref_D.parameters())), (
                "train_step should update D by one step of its loss, from cleared gradients")
            assert all(torch.allclose(a, b, atol=1e-6) for a, b in zip(G.parameters(), ref_G.parameters())), (
                "train_step should update G by one step of this step's G loss alone (opt_g.zero_grad() first)")
        # Networks with BatchNorm stay in training mode.
        G = nn.Sequential(nn.Linear(3, 16), nn.BatchNorm1d(16), nn.Tanh(), nn.Unflatten(1, (1, 4, 4)))
        D = nn.Sequential(nn.Flatten(), nn.Linear(16, 8), nn.BatchNorm1d(8), nn.LeakyReLU(0.2), nn.Linear(8, 1))
        modes = []
        for name, net in (("G", G), ("D", D)):
            net.register_forward_pre_hook(lambda module, inputs, name=name: modes.append((name, module.training)))
        call_learner(train_step, G, D, torch.rand(6, 1, 4, 4) * 2 - 1, torch.optim.Adam(G.parameters(), lr=1e-3),
                     torch.optim.Adam(D.parameters(), lr=1e-3), 3, what=what)
        assert modes and all(training for _, training in modes) and G.training and D.training, (
            "train_step should keep G and D in training mode")
