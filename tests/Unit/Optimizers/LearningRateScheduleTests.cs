using Functional.Facade.Naming;
using Functional.Optimizers;

namespace Functional.Unit.Tests.Optimizers;

public class LearningRateScheduleTests
{
    [Fact]
    public void Parse_understands_every_form()
    {
        Assert.Equal(new ConstantRate(0.1), ScheduleNames.Parse("constant", 0.1, 1000));
        Assert.Equal(new StepDecay(0.1, 333, 0.1), ScheduleNames.Parse("step", 0.1, 1000));
        Assert.Equal(new StepDecay(0.1, 1, 0.1), ScheduleNames.Parse("step", 0.1, 2));   // at least one step per decay
        Assert.Equal(new StepDecay(0.1, 250, 0.5), ScheduleNames.Parse("step:250:0.5", 0.1, 1000));
        Assert.Equal(new CosineDecay(0.1, 1000), ScheduleNames.Parse("cosine", 0.1, 1000));
        Assert.Equal(new CosineDecay(0.1, 1000, 1e-3), ScheduleNames.Parse("cosine:1e-3", 0.1, 1000));
        Assert.Equal(["constant", "step", "cosine"], new LearningRateSchedule[] { new ConstantRate(1), new StepDecay(1, 1, 1), new CosineDecay(1, 1) }.Select(s => s.Name));
    }

    [Theory]
    [InlineData("linear")]
    [InlineData("Step")]
    [InlineData("step:10")]
    [InlineData("step:ten:0.5")]
    [InlineData("step:10:half")]
    [InlineData("step:10:0.5:2")]
    [InlineData("cosine:")]
    [InlineData("cosine:0.1:2")]
    [InlineData("")]
    public void Parse_refuses_an_unknown_spec_naming_it_and_the_accepted_forms(string spec)
    {
        var error = Assert.Throws<ArgumentException>(() => ScheduleNames.Parse(spec, 0.1, 1000));
        Messages.Names(error, "LearningRateSchedule.Parse", $"'{spec}'", "constant, step, step:EVERY:FACTOR, cosine or cosine:MINRATE");
    }

    [Theory]
    [InlineData("step:0:0.5", 0.1, 100, "Every must be ≥ 1", "got 0.")]
    [InlineData("step:10:1.5", 0.1, 100, "Factor must be in (0, 1]", "got 1.5.")]
    [InlineData("cosine:0.5", 0.1, 100, "MinRate must be in [0, Rate] = [0, 0.1]", "got 0.5.")]
    [InlineData("constant", -1.0, 100, "Rate must be positive and finite", "got -1.")]
    [InlineData("cosine", 0.1, 0, "totalSteps must be ≥ 1", "got 0.")]
    public void Parse_refuses_numbers_out_of_range_naming_the_spec(string spec, double rate, long totalSteps, string expected, string actual)
    {
        var error = Assert.Throws<ArgumentException>(() => ScheduleNames.Parse(spec, rate, totalSteps));
        Messages.Names(error, "LearningRateSchedule.Parse", $"'{spec}'", expected, actual);
        Assert.IsType<ArgumentOutOfRangeException>(error.InnerException);
    }

    public static TheoryData<Func<LearningRateSchedule>, string, string, string> BadArguments => new()
    {
        { () => new ConstantRate(0), "ConstantRate", "Rate must be positive and finite", "got 0." },
        { () => new ConstantRate(double.NaN), "ConstantRate", "Rate must be positive and finite", "got NaN." },
        { () => new StepDecay(0.1, 0, 0.5), "StepDecay", "Every must be ≥ 1", "got 0." },
        { () => new StepDecay(0.1, 10, 0), "StepDecay", "Factor must be in (0, 1]", "got 0." },
        { () => new StepDecay(0.1, 10, 0.5) with { Factor = 2 }, "StepDecay", "Factor must be in (0, 1]", "got 2." },
        { () => new StepDecay(double.PositiveInfinity, 10, 0.5), "StepDecay", "Rate must be positive and finite", "got Infinity." },
        { () => new CosineDecay(0.1, 0), "CosineDecay", "Steps must be ≥ 1", "got 0." },
        { () => new CosineDecay(0.1, 10, -0.01), "CosineDecay", "MinRate must be in [0, Rate] = [0, 0.1]", "got -0.01." },
        { () => new CosineDecay(0.1, 10, 0.2), "CosineDecay", "MinRate must be in [0, Rate] = [0, 0.1]", "got 0.2." },
        { () => new CosineDecay(-0.1, 10), "CosineDecay", "Rate must be positive and finite", "got -0.1." },
    };

    [Theory]
    [MemberData(nameof(BadArguments))]
    public void Constructors_refuse_arguments_out_of_range(Func<LearningRateSchedule> make, string owner, string expected, string actual)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(make);
        Messages.Names(error, owner + ":", expected, actual);
    }

    [Fact]
    public void At_refuses_a_negative_step()
    {
        foreach (var schedule in new LearningRateSchedule[] { new ConstantRate(1), new StepDecay(1, 2, 0.5), new CosineDecay(1, 10) })
        {
            var error = Assert.Throws<ArgumentOutOfRangeException>(() => schedule.At(-1));
            Messages.Names(error, ".At:", "stepIndex must be ≥ 0", "got -1.");
        }
    }

    [Fact]
    public void The_schedules_give_the_documented_values()
    {
        var step = new StepDecay(0.8, 10, 0.5);
        Assert.Equal([0.8, 0.8, 0.4, 0.4, 0.2, 0.1], new long[] { 0, 9, 10, 19, 20, 30 }.Select(step.At));
        var cosine = new CosineDecay(0.3, 4, 0.1);
        Assert.Equal(0.3, cosine.At(0));
        Assert.Equal(0.2, cosine.At(2), 1e-16);
        Assert.Equal(0.1, cosine.At(4));
        Assert.Equal(0.1, cosine.At(1_000_000));
        Assert.Equal(0.1 + (0.1 * (1 + Math.Sqrt(0.5))), cosine.At(1), 1e-16);
    }
}
