using Functional.Facade.Data;
using Functional.Facade.Replay;
using Functional.Facade.Training;
using Functional.Networks;
using Functional.Training;

namespace Functional.Unit.Tests.Replay;

public sealed class ReplayerTests : IDisposable
{
    private static readonly MnistData Data = Mnist.LoadEmbedded();
    private readonly string _directory = Directory.CreateTempSubdirectory("functional-replayer-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private ReplayLogContents Record(int steps)
    {
        var config = new RunConfig(Network.TwoLayerNet(784, 12, 10), new TrainConfig(steps, 20), null, Data.Fingerprint, 1, 0, "test");
        var path = Path.Combine(_directory, ReplayLog.FileName);
        using (var log = ReplayLogWriter.Create(path, config))
        {
            var result = TrainingRun.Run(config.Network, Data.Train, Data.Test, config.Train, hooks: new RunHooks
            {
                Step = (state, loss) => log.Step(state.Step, loss, state.ToFloat64().Params.LeafHashes()),
                Epoch = log.Epoch,
            });
            log.End(result.State.Step, result.State.ToFloat64().Params.Sha256());
        }
        return ReplayLog.Read(path);
    }

    [Fact]
    public void A_faithful_log_replays_to_the_end()
    {
        var log = Record(12);
        var outcome = Replayer.Verify(log, Data);
        Assert.True(outcome.Matched, outcome.Divergence);
        Assert.Equal(12, outcome.RecordsVerified);
    }

    [Fact]
    public void A_different_loss_is_reported_with_its_step_and_both_values()
    {
        var log = Record(12);
        var steps = log.Steps.ToArray();
        steps[6] = steps[6] with { Loss = Math.BitIncrement(steps[6].Loss) };
        var outcome = Replayer.Verify(log with { Steps = steps }, Data);
        Assert.False(outcome.Matched);
        Assert.StartsWith("step 7: the loss differs: recorded 0x", outcome.Divergence, StringComparison.Ordinal);
        Assert.Contains("replayed 0x", outcome.Divergence, StringComparison.Ordinal);
        Assert.Equal(6, outcome.RecordsVerified);
    }

    [Fact]
    public void A_different_parameter_is_named()
    {
        var log = Record(12);
        var steps = log.Steps.ToArray();
        steps[3] = steps[3] with { ParamHashes = steps[3].ParamHashes.SetItem("b2", "00000000000000000000000000000000") };
        var outcome = Replayer.Verify(log with { Steps = steps }, Data);
        Assert.Equal("step 4: parameter b2 differs: recorded hash 00000000000000000000000000000000, replayed " + log.Steps[3].ParamHashes["b2"], outcome.Divergence);
    }

    [Fact]
    public void Another_learning_rate_diverges_at_the_first_update()
    {
        var log = Record(5);
        var changed = log with { Config = log.Config with { Train = new TrainConfig(5, 20, learningRate: 0.2) } };
        var outcome = Replayer.Verify(changed, Data);
        Assert.StartsWith("step 1: parameter W1 differs", outcome.Divergence, StringComparison.Ordinal);
    }
}
