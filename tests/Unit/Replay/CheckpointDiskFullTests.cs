using Functional.Facade.Data;
using Functional.Facade.Replay;
using Functional.Facade.Training;
using Functional.Networks;
using Functional.Training;
using Functional.Unit.Tests.IO;

namespace Functional.Unit.Tests.Replay;

/// <summary>The disk filling while a checkpoint is written: the earlier checkpoints stay valid, nothing half-written stays.</summary>
public sealed class CheckpointDiskFullTests : IDisposable
{
    private static readonly MnistData Data = Mnist.LoadEmbedded();
    private readonly string _run = Directory.CreateTempSubdirectory("functional-diskfull-").FullName;

    public void Dispose() => Directory.Delete(_run, recursive: true);

    [Fact]
    public void A_checkpoint_write_that_runs_out_of_space_keeps_the_previous_checkpoint_loadable_and_leaves_no_temporary_file()
    {
        var config = new RunConfig(Network.TwoLayerNet(784, 12, 10), new TrainConfig(5, 20), null, Data.Fingerprint, 1, 2, "test");
        var checkpoints = new List<RunStart>();
        TrainingRun.Run(config.Network, Data.Train, Data.Test, config.Train,
            hooks: new RunHooks { CheckpointEvery = config.CheckpointEvery, Checkpoint = checkpoints.Add });
        Assert.Equal([2L, 4L], checkpoints.Select(c => c.State.Step));

        Checkpoints.Write(_run, checkpoints[0], config);
        var previous = Checkpoints.PathOf(_run, 2);
        var previousBytes = File.ReadAllBytes(previous);
        var fullAfter = Checkpoints.Encode(checkpoints[1], config).Length / 2;

        // The next checkpoint, and a rewrite of the same one, both hit a full disk half way.
        var e = Assert.Throws<IOException>(() => Checkpoints.Write(_run, checkpoints[1], config, t => new DiskFullStream(t, fullAfter)));
        Assert.Contains(Checkpoints.PathOf(_run, 4), e.Message, StringComparison.Ordinal);
        Assert.Contains("No space left on device", e.Message, StringComparison.Ordinal);
        Assert.Throws<IOException>(() => Checkpoints.Write(_run, checkpoints[0], config, t => new DiskFullStream(t, fullAfter)));

        Assert.Equal([previous], Directory.GetFileSystemEntries(Checkpoints.DirectoryOf(_run)));
        Assert.Equal(previousBytes, File.ReadAllBytes(previous));
        var loaded = Checkpoints.Load(previous, config);
        Assert.Equal(2, loaded.State.Step);
        Assert.Equal(checkpoints[0].State.ToFloat64().Params.Sha256(), loaded.State.ToFloat64().Params.Sha256());
        var (newest, skipped) = Checkpoints.LoadNewest(_run, config);
        Assert.Equal(2, newest!.State.Step);
        Assert.Empty(skipped);
    }
}
