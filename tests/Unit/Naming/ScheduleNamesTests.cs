using Functional.Facade.Naming;
using Functional.Optimizers;
using Functional.Training;

namespace Functional.Unit.Tests.Naming;

public class ScheduleNamesTests
{
    [Theory]
    [InlineData("constant", "constant")]
    [InlineData("step", "step:300:0.1")]
    [InlineData("step:250:0.5", "step:250:0.5")]
    [InlineData("cosine", "cosine")]
    [InlineData("cosine:0.001", "cosine:0.001")]
    public void Every_spec_reads_back_from_the_schedule_it_makes(string spec, string canonical)
    {
        var schedule = ScheduleNames.Parse(spec, 0.1, 900);
        Assert.Equal(canonical, schedule.Spec);
        Assert.Equal(schedule, ScheduleNames.Parse(schedule.Spec, 0.1, 900));
        Assert.Equal(0.1, schedule.At(0));
    }

    [Fact]
    public void A_schedule_that_does_not_start_at_the_learning_rate_is_refused_naming_both()
    {
        var error = Assert.Throws<ArgumentException>(() => new TrainConfig(100, 10, 0.1, schedule: new CosineDecay(0.2, 100)));
        Assert.Contains("TrainConfig: the schedule must start at the learning rate 0.1, but cosine starts at 0.2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Only_a_constant_schedule_with_plain_SGD_is_plain_SGD()
    {
        Assert.True(new TrainConfig(100, 10, 0.1).IsPlainSgd);
        Assert.True(new TrainConfig(100, 10, 0.1, schedule: new ConstantRate(0.1)).IsPlainSgd);
        Assert.False(new TrainConfig(100, 10, 0.1, schedule: new StepDecay(0.1, 10, 0.5)).IsPlainSgd);
    }
}
