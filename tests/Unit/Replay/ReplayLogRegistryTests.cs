using System.Numerics;
using System.Collections.Immutable;
using Functional.Composition;
using Functional.Facade.Data;
using Functional.Facade.Naming;
using Functional.Facade.Replay;
using Functional.Facade.Training;
using Functional.Layers;
using Functional.Networks;
using Functional.Tensors;
using Functional.Training;

namespace Functional.Unit.Tests.Replay;

/// <summary>A run of a network holding a user's layer: its log names the layer, so reading it needs the user's registry.</summary>
public sealed class ReplayLogRegistryTests : IDisposable
{
    private static readonly MnistData Data = Mnist.LoadEmbedded();
    private readonly string _directory = Directory.CreateTempSubdirectory("functional-replay-registry-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    /// <summary>y = x·s with a trainable s per feature, starting at zero (the base class's Init): a user layer with a parameter.</summary>
    private sealed record ScaleLayer : Layer
    {
        public override string Kind => "scale";

        public override ImmutableArray<ParamSpec> ParameterSpecs(Shape input) => [new ParamSpec("s", input)];

        public override Forwarded<T> Forward<T>(Params<T> parameters, LayerState<T> state, Tensor<T> x, StepContext context)
        {
            RequireCount(parameters, 1);
            var s = parameters[0].Span;
            var y = x.ToArray();
            for (var i = 0; i < y.Length; i++)
            {
                y[i] *= s[i % s.Length] + T.One;
            }
            return new(Tensor.FromArray(y, x.Shape.Dims.AsSpan()), new ScaleCache<T>(x, parameters[0]), state);
        }

        public override Backwarded<T> Backward<T>(LayerCache layerCache, Tensor<T> dOut)
        {
            var cache = Own<ScaleCache<T>>(layerCache);
            ReadOnlySpan<T> x = cache.X.Span, s = cache.S.Span, d = dOut.Span;
            var dx = new T[x.Length];
            var ds = new T[s.Length];
            for (var i = 0; i < x.Length; i++)
            {
                dx[i] = d[i] * (s[i % s.Length] + T.One);
                ds[i % s.Length] += d[i] * x[i];
            }
            return new(Tensor.FromArray(dx, cache.X.Shape.Dims.AsSpan()), Params<T>.Of(Tensor.FromArray(ds, cache.S.Shape.Dims.AsSpan())));
        }
    }

    private sealed record ScaleCache<T>(Tensor<T> X, Tensor<T> S) : LayerCache
        where T : unmanaged, IFloatingPointIeee754<T>;

    private static readonly LayerRegistry Registry = LayerRegistry.BuiltIn.With("scale", () => new ScaleLayer());

    private string Record(int steps)
    {
        var network = new Network(new Shape(784), new Sequential([new AffineLayer(12), new ScaleLayer(), new ReluLayer(), new AffineLayer(10)]));
        var config = new RunConfig(network, new TrainConfig(steps, 20), null, Data.Fingerprint, 1, 0, "test");
        var path = Path.Combine(_directory, ReplayLog.FileName);
        using var log = ReplayLogWriter.Create(path, config);
        var result = TrainingRun.Run(config.Network, Data.Train, Data.Test, config.Train, hooks: new RunHooks
        {
            Step = (state, loss) => log.Step(state.Step, loss, state.LeafHashes()),
            Epoch = log.Epoch,
        });
        log.End(result.State.Step, result.State.Tensors.Sha256());
        return path;
    }

    [Fact]
    public void A_log_of_a_user_layer_reads_with_the_registry_and_replays_bit_for_bit()
    {
        var log = ReplayLog.Read(Record(6), registry: Registry);
        Assert.Equal("affine:12,scale,relu,affine:10", log.Config.Network.Spec);
        Assert.Contains("scale1.s", log.Steps[0].ParamHashes.Keys);
        var outcome = Replayer.Verify(log, Data);
        Assert.True(outcome.Matched, outcome.Divergence);
        Assert.Equal(6, outcome.RecordsVerified);
    }

    [Fact]
    public void Without_the_registry_the_log_is_refused_naming_the_file_and_the_unknown_layer()
    {
        var path = Record(2);
        var error = Assert.Throws<InvalidDataException>(() => ReplayLog.Read(path));
        Assert.Contains($"{path} line 1", error.Message, StringComparison.Ordinal);
        Assert.Contains("unknown layer 'scale'", error.Message, StringComparison.Ordinal);
    }
}
