using Functional.Facade;
using Functional.Facade.Data;
using Functional.Facade.Verification;
using Functional.Layers;
using Functional.Losses;
using Functional.Nodes;
using Functional.Tensors;

namespace Functional.Unit.Tests;

/// <summary>The README's explicit-cache example, verbatim, so the documentation cannot drift from the API.</summary>
public class ReadmeExampleTests
{
    [Fact]
    public void The_explicit_cache_example_runs_and_its_gradients_have_the_parameters_shapes()
    {
        var x = Tensor.FromMatrix(new[,] { { 1.0, 2.0 }, { -1.0, 0.5 } });            // [batch, features]
        var p = new AffineParams<double>(Tensor.FromMatrix(new[,] { { 1.0, -1.0 }, { 0.5, 2.0 } }), Tensor.Vector(0.1, -0.2));
        var labels = Labels.FromIndices(0, 1);                                        // or Labels.OneHot(rows)

        var (h, affineCache) = Affine.Forward(p, x);         // the cache holds x and W; the caller keeps it
        var (a, reluCache) = Relu.Forward(h);                // the cache holds the mask where h <= 0
        var (loss, lossCache) = SoftmaxWithLoss.Forward(a, labels);

        var da = SoftmaxWithLoss.Backward(lossCache);        // (softmax − t) / N
        var dh = Relu.Backward(reluCache, da);               // da is left untouched
        var grads = Affine.Backward(affineCache, dh);        // grads.Dx, grads.DW = xᵀ·dh, grads.DB = column sums of dh

        Assert.True(loss > 0);
        Assert.Equal(x.Shape, grads.Dx.Shape);
        Assert.Equal(p.W.Shape, grads.DW.Shape);
        Assert.Equal(p.B.Shape, grads.DB.Shape);
    }

    [Fact]
    public void The_object_API_example_runs()
    {
        var file = Path.Combine(Path.GetTempPath(), $"functional-readme-{Environment.ProcessId}.safetensors");
        try
        {
            var data = Mnist.LoadEmbedded();                       // or Mnist.LoadDirectory("path/to/mnist")
            var model = NetworkBuilder.Create(seed: 42)
                .Affine(784, 50).Relu().Affine(50, 10).SoftmaxWithLoss()
                .Build();                                          // misuse (widths, no loss, loss not last) fails here, naming the layer

            var trainer = new Trainer(model);
            var options = new TrainingOptions(Steps: 200, BatchSize: 100, LearningRate: 0.1, Seed: 42);
            var epochs = 0;
            trainer.EpochCompleted += (_, e) => epochs++;
            using var cancel = new CancellationTokenSource();
            trainer.Fit(data.Train, data.Test, options, new Progress<TrainingProgress>(p => { /* p.Step, p.TotalSteps, p.Loss */ }), cancel.Token);

            var trained = trainer.Model;                           // an immutable value; trainer.State is the TrainState
            trained.Save(file);
            var again = Model.Load(file);
            int[] digits = again.Predict(new double[1, 784]);       // also double[][], byte[][] images, or a Tensor
            Assert.Single(digits);
            Assert.True(again.Evaluate(data.Test).Accuracy > 0.8);
            Assert.Equal(3, epochs);
        }
        finally
        {
            File.Delete(file);
        }
    }

    // Your layer: y = x³ elementwise. Forward caches x; Backward returns dx = 3x²·dOut.
    private static (Tensor<double> Output, Tensor<double> Cache) CubeForward(Tensor<double> x) =>
        (Tensor.FromArray([.. x.ToArray().Select(a => a * a * a)], [.. x.Shape.Dims]), x);

    private static Tensor<double> CubeBackward(Tensor<double> x, Tensor<double> dOut) =>
        Tensor.FromArray([.. x.ToArray().Zip(dOut.ToArray(), (a, d) => 3 * a * a * d)], [.. x.Shape.Dims]);

    [Fact]
    public void The_layer_check_example_passes()
    {
        LayerCheck.Assert(CubeForward, CubeBackward);   // 100 random cases; throws a LayerCheckException on the first failure

        var report = LayerCheck.Verify(Relu.Forward, Relu.Backward,                  // the library's layers take the same check
            new LayerCheckOptions { InputFilter = x => Math.Abs(x) >= 1.0 / 64 });   // keep x ± h from ReLU's kink at 0
        Assert.True(report.Passed, report.Failure?.Message);
        Assert.Equal(100, report.CasesRun);

        // Two inputs (dx and dy): (x, y) ↦ (out, cache) and (cache, dOut) ↦ (dx, dy).
        LayerCheck.Assert(Mul.Forward, (MulCache<double> c, Tensor<double> dOut) => Mul.Backward(c, dOut) is var g ? (g.Dx, g.Dy) : default);

        // A layer with parameters: x [batch, in], W [in, out] and B [out] are drawn from sizes (batch, in, out).
        var affine = RuleUnderTest.Dense(
            (x, w, b) => Affine.Forward(new AffineParams<double>(w, b), x) is var r ? (r.Output, r.Cache) : default,
            (AffineCache<double> c, Tensor<double> dOut) => Affine.Backward(c, dOut) is var g ? (g.Dx, g.DW, g.DB) : default);
        LayerCheck.Assert(affine, new LayerCheckOptions { Points = [[Tensor.Filled(0.5, 2, 3), Tensor.Filled(-1.0, 3, 1), Tensor.Zeros<double>(1)]] });
    }

    [Fact]
    public void The_layer_check_failure_shown_in_the_README_is_what_a_wrong_cube_Backward_gives()
    {
        static Tensor<double> WrongCubeBackward(Tensor<double> x, Tensor<double> dOut) =>
            Tensor.FromArray([.. x.ToArray().Zip(dOut.ToArray(), (a, d) => 2 * a * a * d)], [.. x.Shape.Dims]);

        var error = Assert.Throws<LayerCheckException>(() => LayerCheck.Assert(CubeForward, WrongCubeBackward));

        Assert.Contains(error.Message.ReplaceLineEndings("\n"), File.ReadAllText(ReadmePath()).ReplaceLineEndings("\n"), StringComparison.Ordinal);
    }

    private static string ReadmePath()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "README.md")))
        {
            directory = directory.Parent;
        }
        return Path.Combine(directory?.FullName ?? throw new FileNotFoundException("README.md above the test binaries"), "README.md");
    }
}
