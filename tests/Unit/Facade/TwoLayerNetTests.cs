using Functional.Data;
using Functional.Facade;
using Functional.Facade.Data;
using Functional.Optimizers;
using Functional.Training;

namespace Functional.Unit.Tests.Facade;

public class TwoLayerNetTests
{
    [Fact]
    public void The_books_training_loop_runs_line_by_line()
    {
        var data = Mnist.LoadEmbedded();
        var network = new TwoLayerNet(inputSize: 784, hiddenSize: 50, outputSize: 10);
        var (xTest, tTest) = data.Test.Range(0, 500);
        var before = network.Accuracy(xTest, tTest);

        for (var i = 0; i < 200; i++)
        {
            var (xBatch, tBatch) = data.Train.Batch(BatchSampler.Indices(Functional.Rng.RngKey.FromSeed(9), i, 100, data.Train.Count));
            var grad = network.Gradient(xBatch, tBatch);
            network.Params = Sgd.Update(network.Params, grad, 0.1);
        }

        Assert.True(network.Accuracy(xTest, tTest) > before + 0.5, $"accuracy went from {before} to {network.Accuracy(xTest, tTest)}");
        Assert.True(network.Loss(xTest, tTest) < 1.0);
        Assert.Equal(new Functional.Tensors.Shape(500, 10), network.Predict(xTest).Shape);
    }

    [Fact]
    public void Gradient_check_agrees_with_numerical_gradient_as_in_the_book()
    {
        var data = Mnist.LoadEmbedded();
        var network = new TwoLayerNet(784, 10, 10, seed: 4);
        var (x, t) = data.Train.Range(0, 3);
        Assert.All(network.GradientCheck(x, t).Values, diff => Assert.True(diff < 1e-9, $"{diff}"));
        Assert.Equal(network.Gradient(x, t).Keys, network.NumericalGradient(x, t).Keys);
    }

    [Fact]
    public void Params_of_another_shape_are_refused()
    {
        var network = new TwoLayerNet(4, 3, 2);
        var error = Assert.Throws<ArgumentException>(() => network.Params = new TwoLayerNet(4, 5, 2).Params);
        Assert.Contains("W1", error.Message, StringComparison.Ordinal);
    }
}
