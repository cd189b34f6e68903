using Functional.Optimizers;
using Functional.Parameters;
using Functional.Tensors;

namespace Functional.Unit.Tests.Optimizers;

public class UpdateRuleTests
{
    private static readonly HashSet<string> Weights = ["W1"];

    private static readonly ParamTree<double> Parameters = ParamTree<double>.Of([
        KeyValuePair.Create("W1", Tensor.Vector(1.0, -2.0)),
        KeyValuePair.Create("b1", Tensor.Vector(3.0)),
    ]);

    [Fact]
    public void One_step_decays_then_clips_then_steps_at_the_scheduled_rate()
    {
        var rule = new UpdateRule(new GradientDescent(), new StepDecay(0.5, 1, 0.5), weightDecay: 0.5, clipNorm: 1.0);
        var gradient = ParamTree<double>.Of([KeyValuePair.Create("W1", Tensor.Vector(2.5, 1.0)), KeyValuePair.Create("b1", Tensor.Vector(0.0))]);
        // g + λ·W = (3, 0) on W1, 0 on b1; norm 3 clips to (1, 0); step 0 uses lr = 0.5, step 1 lr = 0.25.
        var (p, s) = rule.Apply(Parameters, gradient, rule.Init(Parameters), Weights);
        Assert.Equal(Tensor.Vector(0.5, -2.0), p["W1"]);
        Assert.Equal(Tensor.Vector(3.0), p["b1"]);
        Assert.Equal(1, s.Count);
        (p, _) = rule.Apply(p, gradient, s, Weights);   // g + λ·W = (2.75, 0): clips to (1, 0)
        Assert.Equal(Tensor.Vector(0.25, -2.0), p["W1"]);
        Assert.Equal(0.5 * 0.5 * (0.0625 + 4), rule.Penalty(p, Weights));
        Assert.Equal(0.0, new UpdateRule(new GradientDescent(), new ConstantRate(1)).Penalty(p, Weights));
    }

    [Fact]
    public void A_schedule_that_reaches_zero_is_refused_past_its_end_with_a_clear_message()
    {
        var rule = new UpdateRule(new Adam(), new CosineDecay(0.1, 2));
        var (p, s) = rule.Apply(Parameters, Parameters, rule.Init(Parameters), Weights);
        (p, s) = rule.Apply(p, Parameters, s, Weights);
        var error = Assert.Throws<ArgumentException>(() => rule.Apply(p, Parameters, s, Weights));
        Messages.Names(error, "Adam.Update", "cosine schedule gives learning rate 0 at step 2", "expected a positive, finite rate");
    }

    public static TheoryData<Func<UpdateRule>, string, string> BadArguments => new()
    {
        { () => new UpdateRule(new Adam(), new ConstantRate(1), weightDecay: -1), "weightDecay must be ≥ 0 and finite", "got -1." },
        { () => new UpdateRule(new Adam(), new ConstantRate(1), weightDecay: double.NaN), "weightDecay must be ≥ 0 and finite", "got NaN." },
        { () => new UpdateRule(new Adam(), new ConstantRate(1), clipNorm: 0), "clipNorm must be positive and finite", "got 0." },
        { () => new UpdateRule(new Adam(), new ConstantRate(1), clipNorm: double.PositiveInfinity), "clipNorm must be positive and finite", "got Infinity." },
    };

    [Theory]
    [MemberData(nameof(BadArguments))]
    public void Arguments_out_of_range_are_refused(Func<UpdateRule> make, string expected, string actual)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(make);
        Messages.Names(error, "UpdateRule:", expected, actual);
    }

    [Fact]
    public void Null_arguments_are_refused()
    {
        var error = Assert.Throws<ArgumentNullException>(() => new UpdateRule(null!, new ConstantRate(1)));
        Messages.Names(error, "UpdateRule:", "optimizer must not be null");
        error = Assert.Throws<ArgumentNullException>(() => new UpdateRule(new Adam(), null!));
        Messages.Names(error, "UpdateRule:", "schedule must not be null");
        var rule = new UpdateRule(new Adam(), new ConstantRate(1));
        error = Assert.Throws<ArgumentNullException>(() => rule.Apply(Parameters, null!, rule.Init(Parameters), Weights));
        Messages.Names(error, "UpdateRule.Apply", "gradient must not be null");
    }
}
