using Functional.Facade.Data;
using Functional.Facade.Training;
using Functional.Networks;
using Functional.Training;

namespace Functional.Unit.Tests.Training;

public sealed class LossWatchTests
{
    private static readonly MnistData Data = Mnist.LoadEmbedded();

    private static List<LossExplosion> Watch(LossWatch watch, long firstStep, params double[] losses)
    {
        var reported = new List<LossExplosion>();
        for (var i = 0; i < losses.Length; i++)
        {
            (watch, var explosion) = watch.Observe(firstStep + i, losses[i]);
            if (explosion is not null)
            {
                reported.Add(explosion);
            }
        }
        return reported;
    }

    [Fact]
    public void The_first_loss_over_100_times_the_first_steps_is_reported_once_with_its_step()
    {
        var reported = Watch(LossWatch.Start, 1, 2.3, 2.1, 229, 231, 1e9, 1e12);
        Assert.Equal([new LossExplosion(4, 231, 2.3)], reported);
    }

    [Fact]
    public void A_loss_of_exactly_100_times_the_first_or_a_falling_loss_is_not_reported()
    {
        Assert.Empty(Watch(LossWatch.Start, 1, 2.5, 250, 2.0, 0.5, 0.1));
    }

    [Fact]
    public void A_resumed_run_reports_only_if_its_history_did_not_already()
    {
        var exploded = LossWatch.After([2.0, 300.0, 5.0]);
        Assert.Empty(Watch(exploded, 4, 1e6));
        var calm = LossWatch.After([2.0, 1.5, 1.0]);
        Assert.Equal([new LossExplosion(4, 1e6, 2.0)], Watch(calm, 4, 1e6));
    }

    [Fact]
    public void A_training_run_reports_a_huge_learning_rate_once_at_step_2_and_a_normal_one_never()
    {
        var network = Network.TwoLayerNet(784, 10, 10);
        List<LossExplosion> Run(double rate, int steps)
        {
            var reported = new List<LossExplosion>();
            TrainingRun.Run(network, Data.Train, Data.Test, new TrainConfig(steps, 100, rate), hooks: new RunHooks { LossExploded = reported.Add });
            return reported;
        }

        var huge = Assert.Single(Run(1e6, 5));
        Assert.Equal(2, huge.Step);
        Assert.True(huge.Loss > 100 * huge.FirstLoss);
        Assert.Empty(Run(0.1, 200));
    }
}
