using Functional.Losses;
using Functional.Networks;
using Functional.Parameters;
using Functional.Tensors;
using Functional.Training;

namespace Functional.Facade;

/// <summary>
/// The book's <c>TwoLayerNet</c> (section 5.7.2) for readers following chapter 5 line by line: the same members,
/// implemented on the pure core. There are no mutable layers: each call runs the pure functions on
/// <see cref="Params"/>, the one property a training loop replaces (<c>net.Params = Sgd.Update(net.Params, grad, lr)</c>).
/// </summary>
public sealed class TwoLayerNet
{
    /// <summary>Affine(input→hidden)–ReLU–Affine(hidden→output)–Softmax-with-Loss with W ~ N(0, weightInitStd²) and b = 0.</summary>
    public TwoLayerNet(int inputSize, int hiddenSize, int outputSize, double weightInitStd = 0.01, ulong seed = 0)
    {
        Network = Network.TwoLayerNet(inputSize, hiddenSize, outputSize);
        Params = Mlp.Init(Network, TrainingFold.Keys(seed).Init, weightInitStd);
    }

    /// <summary>The architecture.</summary>
    public Network Network { get; }

    /// <summary>The book's <c>params</c>: "W1", "b1", "W2", "b2".</summary>
    /// <exception cref="ArgumentException">Set to parameters that do not fit the network.</exception>
    public ParamTree<double> Params
    {
        get;
        set
        {
            Mlp.RequireFit(Network, value);
            field = value;
        }
    }

    /// <summary>The class scores before softmax, as the book's <c>predict(x)</c>.</summary>
    public Tensor<double> Predict(Tensor<double> x) => Mlp.Predict(Network, Params, x);

    /// <summary>The mean cross-entropy loss, as <c>loss(x, t)</c>; t as one-hot rows or class indices.</summary>
    public double Loss(Tensor<double> x, Labels t) => Mlp.Loss(Network, Params, x, t);

    /// <summary>The fraction classified correctly, as <c>accuracy(x, t)</c>.</summary>
    public double Accuracy(Tensor<double> x, Labels t) => Mlp.Accuracy(Network, Params, x, t);

    /// <summary>Gradients by central differences, as <c>numerical_gradient(x, t)</c>: slow, for checking.</summary>
    public ParamTree<double> NumericalGradient(Tensor<double> x, Labels t) => Mlp.NumericalGradient(Network, Params, x, t);

    /// <summary>Gradients by backpropagation, as <c>gradient(x, t)</c>.</summary>
    public ParamTree<double> Gradient(Tensor<double> x, Labels t) => Mlp.Gradient(Network, Params, x, t);

    /// <summary>
    /// The book's gradient_check.py: per parameter, the mean |numerical − backprop| gradient (the book sees 1e-10
    /// to 1e-13).
    /// </summary>
    public IReadOnlyDictionary<string, double> GradientCheck(Tensor<double> x, Labels t) => Networks.GradientCheck.Run(Network, Params, x, t);
}
