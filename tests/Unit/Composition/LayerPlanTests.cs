using System.Collections.Immutable;
using Functional.Composition;
using Functional.Initializers;
using Functional.Layers;
using Functional.Rng;
using Functional.Tensors;

namespace Functional.Unit.Tests.Composition;

/// <summary>How a chain names its tensors, and how it reports a user layer that breaks the ILayer contract.</summary>
public class LayerPlanTests
{
    private static readonly Shape Three = new(3);

    private sealed record PassCache : LayerCache;

    /// <summary>
    /// A configurable user layer: identity by default, declaring the given parameters and state (zeros), and
    /// breaking one rule of the contract when asked.
    /// </summary>
    private sealed record UserLayer(string Name = "user", string[]? ParameterNames = null, string[]? StateNames = null,
        int ExtraOutputs = 0, int StateReturned = -1, bool NullCache = false, bool Unflattened = false) : Layer
    {
        public override string Kind => Name;

        public override Shape OutputShape(Shape input) => input;

        public override ImmutableArray<ParamSpec> ParameterSpecs(Shape input) => [.. (ParameterNames ?? []).Select(n => new ParamSpec(n, input))];

        public override ImmutableArray<ParamSpec> StateSpecs(Shape input) => [.. (StateNames ?? []).Select(n => new ParamSpec(n, input))];

        public override Forwarded<T> Forward<T>(Params<T> parameters, LayerState<T> state, Tensor<T> x, StepContext context)
        {
            var output = ExtraOutputs == 0 ? x : Tensor.Zeros<T>(x.Shape[0], x.Shape[1] + ExtraOutputs);
            output = Unflattened ? output.Reshape(x.Shape[0], 1, x.Shape[1]) : output;
            var returned = StateReturned < 0 ? state : new LayerState<T>([.. Enumerable.Repeat(Tensor.Zeros<T>(x.Shape[1]), StateReturned)]);
            return new(output, NullCache ? null! : new PassCache(), returned);
        }

        public override Backwarded<T> Backward<T>(LayerCache layerCache, Tensor<T> dOut)
        {
            _ = Own<PassCache>(layerCache);
            return new(dOut, new Params<T>([.. (ParameterNames ?? []).Select(_ => Tensor.Zeros<T>(dOut.Shape[1]))]));
        }
    }

    private static Forwarded<double> ForwardThrough(ILayer layer)
    {
        var chain = Sequential.Of(new AffineLayer(3), layer);
        var init = chain.Init(RngKey.FromSeed(1), Three, new NormalInit());
        return chain.Forward(init.Params, init.State, Tensor.Zeros<double>(2, 3), StepContext.Train(RngKey.FromSeed(2)));
    }

    [Fact]
    public void Built_in_tensors_are_named_as_the_book_names_them_and_user_tensors_kind_ordinal_dot_name()
    {
        var chain = Sequential.Of(
            new AffineLayer(3), new BatchNormLayer(), new UserLayer("scale", ["w"], ["seen"]), new ReluLayer(),
            new AffineLayer(3), new UserLayer("scale", ["w"]), new BatchNormLayer());

        Assert.Equal(["W1", "b1", "gamma1", "beta1", "scale1.w", "W2", "b2", "scale2.w", "gamma2", "beta2"],
            chain.ParameterSpecs(Three).Select(s => s.Name));
        Assert.Equal(["mean1", "var1", "scale1.seen", "mean2", "var2"], chain.StateSpecs(Three).Select(s => s.Name));
    }

    [Fact]
    public void A_user_layer_whose_kind_is_not_lower_case_letters_is_rejected_naming_it_and_its_position()
    {
        var e = Assert.Throws<ArgumentException>(() => Sequential.Of(new AffineLayer(3), new UserLayer("Bad Kind")).ParameterSpecs(Three));

        Assert.Contains("layer 2 (UserLayer): Kind must be lower-case letters, digits and '_', starting with a letter, got 'Bad Kind'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Two_parameters_of_one_name_are_rejected_naming_the_name()
    {
        var e = Assert.Throws<ArgumentException>(() => Sequential.Of(new AffineLayer(3), new UserLayer("twin", ["w", "w"])).ParameterSpecs(Three));

        Assert.Contains("would both be named 'twin1.w'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_user_layer_whose_forward_gives_the_wrong_shape_is_named()
    {
        var e = Assert.Throws<InvalidOperationException>(() => ForwardThrough(new UserLayer("wide", ExtraOutputs: 1)));

        Assert.Equal("wide layer 1 (wide): Forward's output must be [2, 3], got [2, 4].", e.Message);
    }

    [Fact]
    public void A_user_layer_whose_forward_gives_the_right_count_in_another_shape_is_named()
    {
        var e = Assert.Throws<InvalidOperationException>(() => ForwardThrough(new UserLayer("bent", Unflattened: true)));

        Assert.Equal("bent layer 1 (bent): Forward's output must be [2, 3], got [2, 1, 3].", e.Message);
    }

    [Fact]
    public void A_user_layer_whose_forward_returns_too_few_state_tensors_is_named()
    {
        var e = Assert.Throws<InvalidOperationException>(() => ForwardThrough(new UserLayer("keeper", StateNames: ["seen"], StateReturned: 0)));

        Assert.Equal("keeper layer 1 (keeper): Forward's state must hold 1 tensors (seen), got 0.", e.Message);
    }

    [Fact]
    public void A_user_layer_without_state_whose_forward_returns_state_is_named()
    {
        // Regression: a stateless leaf's returned state went unchecked, so state it meant to keep was silently dropped.
        var e = Assert.Throws<InvalidOperationException>(() => ForwardThrough(new UserLayer("keeper", StateReturned: 1)));

        Assert.Equal("keeper layer 1 (keeper): Forward's state must hold 0 tensors (), got 1.", e.Message);
    }

    [Fact]
    public void A_user_layer_whose_forward_returns_a_null_cache_is_named()
    {
        var e = Assert.Throws<InvalidOperationException>(() => ForwardThrough(new UserLayer("forgetful", NullCache: true)));

        Assert.Equal("forgetful layer 1 (forgetful): Forward returned a null cache.", e.Message);
    }
}
