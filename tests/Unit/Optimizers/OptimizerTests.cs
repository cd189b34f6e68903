using Functional.Facade.Naming;
using Functional.Optimizers;
using Functional.Parameters;
using Functional.Tensors;

namespace Functional.Unit.Tests.Optimizers;

public class OptimizerTests
{
    private static readonly ParamTree<double> Target = ParamTree<double>.Of([
        KeyValuePair.Create("W1", Tensor.FromMatrix(new[,] { { 1.5, -2.0, 0.25 }, { 3.0, -0.5, 2.75 } })),
        KeyValuePair.Create("b1", Tensor.Vector(-1.25, 0.5, 2.0)),
    ]);

    private static ParamTree<double> Zeros => Target.Map((_, t) => Tensor.Zeros<double>([.. t.Shape.Dims]));

    // f(W) = ½‖W − W*‖², so ∂f/∂W = W − W*.
    private static ParamTree<double> Gradient(ParamTree<double> w) => w.Zip(Target, (a, b) => Tensor.FromArray([.. a.ToArray().Zip(b.ToArray(), (x, y) => x - y)], [.. a.Shape.Dims]));

    private static double Distance(ParamTree<double> w) =>
        w.Leaves.SelectMany(kv => kv.Value.ToArray().Zip(Target[kv.Key].ToArray(), (x, y) => Math.Abs(x - y))).Max();

    [Theory]
    [InlineData("sgd", 0.1, 300)]
    [InlineData("momentum", 0.1, 300)]
    [InlineData("nesterov", 0.1, 300)]
    [InlineData("adagrad", 0.5, 300)]
    [InlineData("rmsprop", 0.01, 800)]
    [InlineData("adam", 0.1, 300)]
    public void Every_optimizer_finds_the_minimum_of_a_quadratic(string name, double learningRate, int steps)
    {
        var optimizer = OptimizerNames.Parse(name);
        var (w, state) = (Zeros, optimizer.Init(Zeros));
        for (var i = 0; i < steps; i++)
        {
            (w, state) = optimizer.Update(w, Gradient(w), state, learningRate);
        }
        Assert.Equal(steps, state.Count);
        Assert.True(Distance(w) < 1e-4, $"{name}: after {steps} steps W is {Distance(w):E2} from W*.");
    }

    [Fact]
    public void Parse_gives_each_named_optimizer_with_the_books_defaults()
    {
        Assert.Equal(["sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam"], OptimizerNames.All);
        Assert.All(OptimizerNames.All, name => Assert.Equal(name, OptimizerNames.Parse(name).Name));
        Assert.Equal(new Momentum(0.9), OptimizerNames.Parse("momentum"));
        Assert.Equal(new Adam(0.9, 0.999, 1e-7), OptimizerNames.Parse("adam"));
        Assert.Equal(new RmsProp(0.99, 1e-7), OptimizerNames.Parse("rmsprop"));
    }

    [Fact]
    public void Parse_refuses_an_unknown_name_and_lists_the_known_ones()
    {
        var error = Assert.Throws<ArgumentException>(() => OptimizerNames.Parse("adamw"));
        Messages.Names(error, "Optimizer.Parse", "'adamw'", "sgd, momentum, nesterov, adagrad, rmsprop, adam");
        Assert.Throws<ArgumentNullException>(() => OptimizerNames.Parse(null!));
    }

    public static TheoryData<Func<Optimizer>, string, string, string> BadHyperparameters => new()
    {
        { () => new Momentum(1.0), "Momentum", "Beta must be in [0, 1)", "got 1." },
        { () => new Momentum(-0.1), "Momentum", "Beta must be in [0, 1)", "got -0.1." },
        { () => new Momentum(double.NaN), "Momentum", "Beta must be in [0, 1)", "got NaN." },
        { () => new Momentum() with { Beta = 2 }, "Momentum", "Beta must be in [0, 1)", "got 2." },
        { () => new Nesterov(1.5), "Nesterov", "Beta must be in [0, 1)", "got 1.5." },
        { () => new AdaGrad(0), "AdaGrad", "Epsilon must be positive and finite", "got 0." },
        { () => new AdaGrad(-1e-7), "AdaGrad", "Epsilon must be positive and finite", "got -1E-07." },
        { () => new RmsProp(1.0), "RmsProp", "Decay must be in [0, 1)", "got 1." },
        { () => new RmsProp(0.9, double.PositiveInfinity), "RmsProp", "Epsilon must be positive and finite", "got Infinity." },
        { () => new Adam(Beta1: 1.0), "Adam", "Beta1 must be in [0, 1)", "got 1." },
        { () => new Adam(Beta2: -0.5), "Adam", "Beta2 must be in [0, 1)", "got -0.5." },
        { () => new Adam(Epsilon: 0), "Adam", "Epsilon must be positive and finite", "got 0." },
        { () => new Adam() with { Beta2 = 1 }, "Adam", "Beta2 must be in [0, 1)", "got 1." },
    };

    [Theory]
    [MemberData(nameof(BadHyperparameters))]
    public void Hyperparameters_out_of_range_are_refused(Func<Optimizer> make, string owner, string expected, string actual)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(make);
        Messages.Names(error, owner + ":", expected, actual);
    }

    [Theory]
    [InlineData(0.0, "got 0.")]
    [InlineData(-0.1, "got -0.1.")]
    [InlineData(double.NaN, "got NaN.")]
    [InlineData(double.PositiveInfinity, "got Infinity.")]
    public void A_learning_rate_that_is_not_positive_and_finite_is_refused(double learningRate, string actual)
    {
        foreach (var name in OptimizerNames.All)
        {
            var optimizer = OptimizerNames.Parse(name);
            var error = Assert.Throws<ArgumentOutOfRangeException>(() => optimizer.Update(Zeros, Zeros, optimizer.Init(Zeros), learningRate));
            Messages.Names(error, $".Update", "learningRate must be positive and finite", actual);
        }
    }

    [Fact]
    public void A_gradient_with_other_names_or_shapes_is_refused()
    {
        var adam = new Adam();
        var missing = ParamTree<double>.Of([KeyValuePair.Create("W1", Tensor.Zeros<double>(2, 3))]);
        var error = Assert.Throws<ArgumentException>(() => adam.Update(Zeros, missing, adam.Init(Zeros), 0.1));
        Messages.Names(error, "Adam.Update: gradient", "W1, b1", "got W1.");

        var transposed = Zeros.With("W1", Tensor.Zeros<double>(2, 3)).Map((key, t) => key == "W1" ? Tensor.Zeros<double>(3, 2) : t);
        error = Assert.Throws<ArgumentException>(() => new GradientDescent().Update(Zeros, transposed, OptimizerState<double>.Empty, 0.1));
        Messages.Names(error, "GradientDescent.Update: gradient", "'W1'", "[2, 3]", "[3, 2]");
    }

    [Fact]
    public void A_state_from_another_optimizer_or_other_parameters_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => new Adam().Update(Zeros, Zeros, new Momentum().Init(Zeros), 0.1));
        Messages.Names(error, "Adam.Update", "slots m, v", "got velocity");

        error = Assert.Throws<ArgumentException>(() => new Momentum().Update(Zeros, Zeros, OptimizerState<double>.Empty, 0.1));
        Messages.Names(error, "Momentum.Update", "slots velocity", "got none");

        var small = ParamTree<double>.Of([KeyValuePair.Create("W1", Tensor.Zeros<double>(1, 1)), KeyValuePair.Create("b1", Tensor.Zeros<double>(1))]);
        error = Assert.Throws<ArgumentException>(() => new AdaGrad().Update(Zeros, Zeros, new AdaGrad().Init(small), 0.1));
        Messages.Names(error, "AdaGrad.Update: state slot 'h'", "'W1'", "[2, 3]", "[1, 1]");
    }

    [Fact]
    public void Null_or_empty_arguments_are_refused()
    {
        var empty = ParamTree<double>.Of([]);
        foreach (var name in OptimizerNames.All)
        {
            var optimizer = OptimizerNames.Parse(name);
            var error = Assert.Throws<ArgumentException>(() => optimizer.Init(empty));
            Messages.Names(error, ".Init", "parameters must hold at least one tensor", "got none");
            Assert.Throws<ArgumentNullException>(() => optimizer.Init<double>(null!));
            Assert.Throws<ArgumentNullException>(() => optimizer.Update(Zeros, null!, optimizer.Init(Zeros), 0.1));
            Assert.Throws<ArgumentNullException>(() => optimizer.Update(Zeros, Zeros, null!, 0.1));
        }
    }

    [Fact]
    public void Adam_takes_its_first_step_with_the_bias_corrected_rate()
    {
        // t = 1: m = 0.1·g, v = 0.001·g², lr_t = lr·√0.001/0.1, so W moves by lr·g/(|g| + ε/√0.001) ≈ lr·sign(g).
        var w = ParamTree<double>.Of([KeyValuePair.Create("W1", Tensor.Vector(1.0, 1.0))]);
        var g = ParamTree<double>.Of([KeyValuePair.Create("W1", Tensor.Vector(4.0, -0.5))]);
        var (updated, state) = new Adam().Update(w, g, new Adam().Init(w), 0.01);
        Assert.Equal(1, state.Count);
        var shrink = 1e-7 / Math.Sqrt(0.001);
        Assert.Equal(1 - (0.01 * 4 / (4 + shrink)), updated["W1"][0], 1e-15);
        Assert.Equal(1 + (0.01 * 0.5 / (0.5 + shrink)), updated["W1"][1], 1e-15);
        Assert.NotEqual(0.99, updated["W1"][0]);   // ε shrinks the step by 7.9e-7 relative: visible, and tested
        Assert.Equal((1 - 0.9) * 4.0, state.Slots["m"]["W1"][0]);
        Assert.Equal((1 - 0.999) * 16.0, state.Slots["v"]["W1"][0]);   // 1 − 0.999 is 0.0010000000000000009
    }
}
