using Functional.Composition;
using Functional.Facade.Naming;
using Functional.Layers;

namespace Functional.Unit.Tests.Naming;

public class NetSpecTests
{
    // Every built-in layer, with its spec: defaults, non-default arguments, and residual blocks (nested, and of one layer).
    private static readonly (ILayer Layer, string Spec)[] BuiltIns =
    [
        (new AffineLayer(1), "affine:1"),
        (new AffineLayer(100), "affine:100"),
        (new ReluLayer(), "relu"),
        (new SigmoidLayer(), "sigmoid"),
        (new TanhLayer(), "tanh"),
        (new LeakyReluLayer(), "leakyrelu"),
        (new LeakyReluLayer(0.2), "leakyrelu:0.2"),
        (new BatchNormLayer(), "batchnorm"),
        (new BatchNormLayer(0.8, 1e-5), "batchnorm:0.8:1e-05"),
        (new DropoutLayer(0.25), "dropout:0.25"),
        (new DropoutLayer(0), "dropout:0"),
        (new Residual(Sequential.Of(new AffineLayer(4), new TanhLayer())), "residual(affine:4,tanh)"),
        (new Residual(new AffineLayer(4)), "residual(affine:4)"),
        (new Residual(Sequential.Of(new AffineLayer(4))), "residual(affine:4)"),
        (new Residual(Sequential.Of(new BatchNormLayer(), new Residual(Sequential.Of(new AffineLayer(3), new LeakyReluLayer(0.1))), new DropoutLayer(0.5))),
            "residual(batchnorm,residual(affine:3,leakyrelu:0.1),dropout:0.5)"),
    ];

    [Fact]
    public void Every_built_in_layer_has_its_spec_and_parses_back_to_an_equal_layer()
    {
        foreach (var (layer, spec) in BuiltIns)
        {
            Assert.Equal(spec, layer.Spec);
            var parsed = NetSpec.Parse(layer.Spec);
            Assert.True(Sequential.Of(layer).Equals(parsed), $"Parse(\"{spec}\") gave {parsed}, not an equal layer");
            Assert.Equal(spec, parsed.Spec);
        }
    }

    [Fact]
    public void A_chain_of_every_built_in_layer_round_trips()
    {
        var chain = new Sequential(BuiltIns.Select(b => b.Layer));
        Assert.Equal(chain, NetSpec.Parse(chain.Spec));
        Assert.Equal(chain.Spec, NetSpec.Format(chain));
    }

    [Theory]
    [InlineData("batchnorm:0.8:1e-05", 0.8, 1e-5)]
    [InlineData("batchnorm:0.9:0.000001", 0.9, 1e-6)]
    [InlineData("batchnorm:1:1", 1.0, 1.0)]
    public void BatchNorm_arguments_are_read_in_any_invariant_notation(string spec, double momentum, double epsilon)
    {
        var layer = Assert.IsType<BatchNormLayer>(Assert.Single(NetSpec.Parse(spec).Layers));
        Assert.Equal(momentum, layer.Momentum);
        Assert.Equal(epsilon, layer.Epsilon);
    }

    [Theory]
    [InlineData(" affine:100 , tanh,\tdropout:0.2 ")]
    [InlineData("affine:100,tanh,dropout:0.2\n")]
    public void White_space_around_layers_and_commas_is_ignored(string spec) =>
        Assert.Equal("affine:100,tanh,dropout:0.2", NetSpec.Parse(spec).Spec);

    [Theory]
    [InlineData("residual (affine:4, tanh) , relu")]
    [InlineData("residual( affine:4,tanh ),relu")]
    [InlineData("residual(affine:4,tanh)\n,relu")]
    public void White_space_around_parentheses_is_ignored(string spec) =>
        Assert.Equal("residual(affine:4,tanh),relu", NetSpec.Parse(spec).Spec);

    [Theory]
    // Unknown kinds and bad arguments: the token, its 1-based position, what was expected.
    [InlineData("affine:100,foo,affine:10", 12, "token 'foo'", "unknown layer 'foo'", "a user's layer must be registered in a LayerRegistry")]
    [InlineData("Relu", 1, "token 'Relu'", "unknown layer 'Relu'")]
    [InlineData("affine:0", 1, "token 'affine:0'", "expected affine:OUTPUTS with OUTPUTS a whole number ≥ 1")]
    [InlineData("affine:x", 1, "token 'affine:x'", "expected affine:OUTPUTS with OUTPUTS a whole number ≥ 1")]
    [InlineData("affine:-3", 1, "token 'affine:-3'", "expected affine:OUTPUTS")]
    [InlineData("relu,affine", 6, "token 'affine'", "expected affine:OUTPUTS")]
    [InlineData("affine:4:5", 1, "token 'affine:4:5'", "expected affine:OUTPUTS")]
    [InlineData("affine:99999999999", 1, "token 'affine:99999999999'", "expected affine:OUTPUTS")]
    [InlineData("dropout:1.5", 1, "token 'dropout:1.5'", "DropoutLayer: the ratio must be a finite value in [0, 1)")]
    [InlineData("dropout:NaN", 1, "token 'dropout:NaN'", "expected dropout:RATIO with RATIO in [0, 1), but 'NaN' is not a finite number")]
    [InlineData("dropout:Infinity", 1, "token 'dropout:Infinity'", "'Infinity' is not a finite number")]
    [InlineData("dropout", 1, "token 'dropout'", "expected dropout:RATIO")]
    [InlineData("relu:3", 1, "token 'relu:3'", "'relu' takes no arguments, got 1")]
    [InlineData("tanh:", 1, "token 'tanh:'", "'tanh' takes no arguments, got 1")]
    [InlineData("leakyrelu:1", 1, "token 'leakyrelu:1'", "LeakyReluLayer: alpha must be a finite value in [0, 1)")]
    [InlineData("leakyrelu:0.1:2", 1, "token 'leakyrelu:0.1:2'", "expected leakyrelu or leakyrelu:ALPHA")]
    [InlineData("batchnorm:0.9", 1, "token 'batchnorm:0.9'", "expected batchnorm or batchnorm:MOMENTUM:EPSILON")]
    [InlineData("batchnorm:0.9:0", 1, "token 'batchnorm:0.9:0'", "BatchNormLayer: epsilon must be a finite value > 0")]
    [InlineData("sequential", 1, "token 'sequential'", "layers separated by commas")]
    // Structure: parentheses, commas and the end of the spec.
    [InlineData("residual(affine:4", 1, "token 'residual(affine:4'", "expected ')' to close residual(")]
    [InlineData("residual(affine:4,tanh", 1, "token 'residual(affine:4,tanh'", "expected ')' to close residual(")]
    [InlineData("residual", 1, "token 'residual'", "expected residual(LAYERS)")]
    [InlineData("residual:2(affine:4)", 1, "token 'residual:2'", "expected residual(LAYERS)")]
    [InlineData("residual()", 10, "token ')'", "expected a layer such as affine:100 or relu")]
    [InlineData(")", 1, "token ')'", "expected a layer such as affine:100 or relu")]
    [InlineData("relu)", 5, "token ')'", "expected ',' or the end of the spec")]
    [InlineData("residual(relu))", 15, "token ')'", "expected ',' or the end of the spec")]
    [InlineData("(relu)", 1, "token '('", "expected a layer")]
    [InlineData("relu,,tanh", 6, "token ','", "expected a layer such as affine:100 or relu")]
    [InlineData("relu,", 6, "the end of the spec", "expected a layer such as affine:100 or relu")]
    [InlineData("relu, ", 7, "the end of the spec", "expected a layer")]
    [InlineData("", 1, "the end of the spec", "expected a layer")]
    [InlineData("affine(4)", 1, "token 'affine'", "only residual takes layers in parentheses")]
    [InlineData("relu,tanh(relu)", 6, "token 'tanh'", "only residual takes layers in parentheses")]
    // White space may surround a layer but not split one.
    [InlineData("dropout: 0.2", 1, "token 'dropout: 0.2'", "white space may surround layers, commas and parentheses but not split a layer")]
    [InlineData("relu, affine :4", 7, "token 'affine :4'", "white space")]
    [InlineData("affine:100 tanh", 1, "token 'affine:100 tanh'", "separate layers with ','")]
    public void A_malformed_spec_is_refused_naming_the_token_its_position_and_what_was_expected(string spec, int position, string token, params string[] expected)
    {
        var error = Assert.Throws<ArgumentException>(() => NetSpec.Parse(spec));
        Assert.StartsWith($"NetSpec: at character {position} of \"{spec}\", {token}: ", error.Message, StringComparison.Ordinal);
        foreach (var part in expected)
        {
            Assert.Contains(part, error.Message, StringComparison.Ordinal);
        }
        Assert.DoesNotContain("(Parameter '", error.Message, StringComparison.Ordinal);   // the layer's message, without .NET's suffix
        Assert.Single(error.Message.Split('\n'));
    }

    [Fact]
    public void A_registered_user_layer_parses_with_its_arguments_and_its_spec_round_trips()
    {
        var parsed = NetSpec.Parse("affine:4,scale:2.5,shift,residual(shift,scale:-1),affine:2", UserLayers.Registry);
        Assert.Equal(Sequential.Of(new AffineLayer(4), new ScaleLayer(2.5), new ShiftLayer(),
            new Residual(Sequential.Of(new ShiftLayer(), new ScaleLayer(-1))), new AffineLayer(2)), parsed);
        Assert.Equal(parsed, NetSpec.Parse(parsed.Spec, UserLayers.Registry));
        Assert.Equal(["scale", "shift"], UserLayers.Registry.Kinds);
    }

    [Fact]
    public void An_unregistered_user_layer_is_refused_saying_to_register_it()
    {
        var error = Assert.Throws<ArgumentException>(() => NetSpec.Parse("affine:4,scale:2"));
        Assert.StartsWith("NetSpec: at character 10 of \"affine:4,scale:2\", token 'scale:2': unknown layer 'scale'", error.Message, StringComparison.Ordinal);
        Assert.Contains("registered in a LayerRegistry", error.Message, StringComparison.Ordinal);

        // With a registry that lacks it, the message lists the kinds it has.
        var other = LayerRegistry.BuiltIn.With("shift", () => new ShiftLayer());
        var listed = Assert.Throws<ArgumentException>(() => NetSpec.Parse("affine:4,scale:2", other));
        Assert.Contains("unknown layer 'scale'", listed.Message, StringComparison.Ordinal);
        Assert.Contains("or a registered layer (shift)", listed.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("shift:1", "token 'shift:1'", "'shift' takes no arguments, got 1")]
    [InlineData("scale", "token 'scale'", "expected scale:FACTOR, got 0 arguments")]
    [InlineData("scale:x", "token 'scale:x'", "'x'")]   // the factory's FormatException, reported as a spec error
    public void A_user_factory_refusing_its_arguments_is_reported_as_a_spec_error(string spec, string token, string expected)
    {
        var error = Assert.Throws<ArgumentException>(() => NetSpec.Parse(spec, UserLayers.Registry));
        Assert.StartsWith($"NetSpec: at character 1 of \"{spec}\", {token}: ", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_factory_that_makes_a_layer_of_another_kind_or_null_is_refused()
    {
        var wrongKind = LayerRegistry.BuiltIn.With("double", () => new ScaleLayer(2));
        var error = Assert.Throws<ArgumentException>(() => NetSpec.Parse("double", wrongKind));
        Assert.Contains("the registered factory for 'double' made a layer of kind 'scale'", error.Message, StringComparison.Ordinal);

        var returnsNull = LayerRegistry.BuiltIn.With("nothing", _ => null!);
        Assert.Contains("the registered factory for 'nothing' returned null",
            Assert.Throws<ArgumentException>(() => NetSpec.Parse("nothing", returnsNull)).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("affine", "the kind 'affine' is built in")]
    [InlineData("residual", "the kind 'residual' is built in")]
    [InlineData("sequential", "the kind 'sequential' is built in")]
    [InlineData("Scale", "a kind must be lower-case letters, digits and '_', starting with a letter, got 'Scale'")]
    [InlineData("2x", "got '2x'")]
    [InlineData("my-layer", "got 'my-layer'")]
    [InlineData("my:layer", "got 'my:layer'")]
    [InlineData("", "got ''")]
    public void LayerRegistry_refuses_a_built_in_kind_or_a_bad_kind_name(string kind, string expected)
    {
        var error = Assert.Throws<ArgumentException>(() => LayerRegistry.BuiltIn.With(kind, () => new ShiftLayer()));
        Assert.StartsWith("LayerRegistry.With: ", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LayerRegistry_refuses_a_kind_registered_twice_and_With_leaves_the_original_unchanged()
    {
        var error = Assert.Throws<ArgumentException>(() => UserLayers.Registry.With("shift", () => new ShiftLayer()));
        Assert.Contains("the kind 'shift' is already registered", error.Message, StringComparison.Ordinal);
        var more = LayerRegistry.BuiltIn.With("my_layer2", () => new ShiftLayer());
        Assert.Equal(["my_layer2"], more.Kinds);
        Assert.Empty(LayerRegistry.BuiltIn.Kinds);
    }
}
