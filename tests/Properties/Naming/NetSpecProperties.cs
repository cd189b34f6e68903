using CsCheck;
using Functional.Composition;
using Functional.Facade;
using Functional.Facade.Naming;
using Functional.Initializers;
using Functional.Layers;
using Functional.Networks;
using Functional.Parameters;
using Functional.Properties.Tests.Support;
using Functional.Tensors;

namespace Functional.Properties.Tests.Naming;

/// <summary>Architectures as strings: a chain's Spec parses back to it, and a saved chain loads back to the same predictions.</summary>
public sealed class NetSpecProperties : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("functional-netspec-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    // Every built-in layer with arbitrary arguments (doubles of every magnitude test the spec's round-trip formatting).
    private static readonly Gen<ILayer> Leaf = Gen.OneOf(
        Gen.Int[1, 5].Select(n => (ILayer)new AffineLayer(n)),
        Gen.Const<ILayer>(new ReluLayer()),
        Gen.Const<ILayer>(new SigmoidLayer()),
        Gen.Const<ILayer>(new TanhLayer()),
        Gen.OneOf(Gen.Const(LeakyReluLayer.DefaultAlpha), Gen.Double[0, 0.99]).Select(a => (ILayer)new LeakyReluLayer(a)),
        Gen.Select(Gen.OneOf(Gen.Const(0.9), Gen.Double[0, 1]), Gen.OneOf(Gen.Const(1e-6), Gen.Double[1e-12, 1e-2]), (m, e) => (ILayer)new BatchNormLayer(m, e)),
        Gen.Double[0, 0.99].Select(r => (ILayer)new DropoutLayer(r)));

    // Residual blocks nest up to twice; their shapes are fitted to a network's widths by Fit.
    private static Gen<ILayer> LayerOf(int depth) => depth == 0
        ? Leaf
        : Gen.Frequency((4, Leaf), (1, LayerOf(depth - 1).Array[1, 3].Select(inner => (ILayer)new Residual(new Sequential(inner)))));

    private static readonly Gen<Sequential> Chain = LayerOf(2).Array[1, 6].Select(layers => new Sequential(layers));

    [Fact]
    public void A_chain_of_built_in_layers_parses_back_from_its_spec_to_an_equal_Sequential() =>
        PropertyCheck.ForAll(Chain, chain =>
        {
            var parsed = NetSpec.Parse(chain.Spec);
            Assert.True(chain.Equals(parsed), $"Parse(\"{chain.Spec}\") gave \"{parsed.Spec}\"");
            Assert.Equal(chain.Spec, parsed.Spec);
        }, print: chain => chain.Spec);

    private sealed record Case(Network Network, ParamTree<double> Params, ParamTree<double> State, Tensor<double> X)
    {
        public override string ToString() => $"Case {{ input {Network.InputShape}, {Network.Spec}, X = {X} }}";
    }

    // A residual block must keep its input's width: one whose layers change it ends with an Affine back to it.
    private static (List<ILayer> Layers, int Width) Fit(IEnumerable<ILayer> layers, int width)
    {
        var fitted = new List<ILayer>();
        foreach (var layer in layers)
        {
            switch (layer)
            {
                case AffineLayer affine:
                    fitted.Add(affine);
                    width = affine.Outputs;
                    break;
                case Residual residual:
                    var (inner, innerWidth) = Fit(residual.Inner is Sequential s ? s.Layers : [residual.Inner], width);
                    if (innerWidth != width)
                    {
                        inner.Add(new AffineLayer(width));
                    }
                    fitted.Add(new Residual(new Sequential(inner)));
                    break;
                default:
                    fitted.Add(layer);
                    break;
            }
        }
        return (fitted, width);
    }

    // Parameters drawn by the key, then every tensor (biases, γ, β, running means) moved off its initial constant;
    // running variances stay positive. So every value the file holds changes what the network computes.
    private static ParamTree<double> Perturbed(ParamTree<double> tree) => tree.Map((name, t) => Tensor.FromArray(
        [.. t.ToArray().Select((v, i) => name.StartsWith("var", StringComparison.Ordinal) ? 0.5 + Math.Abs(Math.Sin(3 * i + name.Length)) : v + 0.5 * Math.Sin(i + name.Length))],
        [.. t.Shape.Dims]));

    private static readonly Gen<Case> Cases =
        from chain in Chain
        from input in Gen.Int[1, 5]
        from batch in Gen.Int[1, 4]
        from key in Gens.Key
        from x in Gens.TensorOf([batch, input])
        let network = new Network(new Shape(input), new Sequential(Fit(chain.Layers, input).Layers))
        let values = Mlp.Initial(network, key, new NormalInit(1.0))
        select new Case(network, Perturbed(values.Params), Perturbed(values.State), x);

    [Fact]
    public void A_chain_saved_with_Model_Save_and_loaded_with_Model_Load_predicts_the_same_bits() =>
        PropertyCheck.ForAll(Cases, c =>
        {
            var model = new Model(c.Network, c.Params, c.State);
            var path = Path.Combine(_directory, "model.safetensors");
            model.Save(path);
            var loaded = Model.Load(path);
            Assert.Equal(c.Network, loaded.Network);
            Assert.Equal(model.Parameters, loaded.Parameters);
            Assert.Equal(model.State, loaded.State);
            var (expected, actual) = (model.Scores(c.X).ToArray(), loaded.Scores(c.X).ToArray());
            Assert.Equal(expected.Select(BitConverter.DoubleToInt64Bits), actual.Select(BitConverter.DoubleToInt64Bits));
            Assert.Equal(model.Predict(c.X), loaded.Predict(c.X));
        });
}
