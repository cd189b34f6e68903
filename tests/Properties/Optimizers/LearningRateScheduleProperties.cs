using CsCheck;
using Functional.Optimizers;
using Functional.Properties.Tests.Support;

namespace Functional.Properties.Tests.Optimizers;

public class LearningRateScheduleProperties
{
    private static readonly Gen<double> Rate = Gen.Int[1, 1000].Select(k => k / 1000.0);

    private static readonly Gen<StepDecay> Step =
        from rate in Rate
        from every in Gen.Int[1, 1000]
        from factor in Gen.Int[1, 100].Select(k => k / 100.0)
        select new StepDecay(rate, every, factor);

    private static readonly Gen<CosineDecay> Cosine =
        from rate in Rate
        from steps in Gen.Int[1, 1_000_000]
        from fraction in Gen.Int[0, 100]
        select new CosineDecay(rate, steps, Math.Min(rate, rate * fraction / 100.0));

    private static void NonIncreasing(LearningRateSchedule schedule, long first, long second)
    {
        var (a, b) = (Math.Min(first, second), Math.Max(first, second));
        Assert.True(schedule.At(a) >= schedule.At(b), $"{schedule}: At({a}) = {schedule.At(a):R} < At({b}) = {schedule.At(b):R}.");
    }

    [Fact]
    public void ConstantRate_is_the_rate_at_every_step() => PropertyCheck.ForAll(
        from rate in Rate from step in Gen.Int[0, int.MaxValue] select (rate, step),
        input => Assert.Equal(input.rate, new ConstantRate(input.rate).At(input.step)));

    [Fact]
    public void StepDecay_multiplies_by_Factor_every_Every_steps_and_never_increases() => PropertyCheck.ForAll(
        from schedule in Step
        from k in Gen.Int[0, 40]
        from j in Gen.Int[0, 999]
        from other in Gen.Int[0, 50_000]
        select (schedule, k, j, other),
        input =>
        {
            var (schedule, k, j, other) = input;
            Assert.Equal(schedule.Rate, schedule.At(0));
            var start = k * schedule.Every;
            // Repeated squaring rounds at most 2·log2(k) + 1 ≤ 12 times, Math.Pow about once: 1e-14 relative covers both.
            var expected = schedule.Rate * Math.Pow(schedule.Factor, k);
            Assert.Equal(expected, schedule.At(start), 1e-14 * expected);
            Assert.Equal(schedule.At(start), schedule.At(start + (j % schedule.Every)));
            NonIncreasing(schedule, start + j, other);
        });

    [Fact]
    public void CosineDecay_goes_from_Rate_to_MinRate_along_half_a_cosine_and_never_increases() => PropertyCheck.ForAll(
        from schedule in Cosine from a in Gen.Int[0, 1_100_000] from b in Gen.Int[0, 1_100_000] select (schedule, a, b),
        input =>
        {
            var (schedule, a, b) = input;
            Assert.Equal(schedule.Rate, schedule.At(0));
            Assert.Equal(schedule.MinRate, schedule.At(schedule.Steps));
            Assert.Equal(schedule.MinRate, schedule.At(schedule.Steps + a));
            NonIncreasing(schedule, a, b);
            var step = Math.Min(a, schedule.Steps);
            var at = schedule.At(step);
            Assert.InRange(at, schedule.MinRate, schedule.Rate);
            // Against the formula with the platform's cos: both cosines are within an ulp, so only a few roundings apart.
            var expected = schedule.MinRate + (0.5 * (schedule.Rate - schedule.MinRate) * (1 + Math.Cos(Math.PI * step / schedule.Steps)));
            Assert.Equal(expected, at, 4e-15 * schedule.Rate);
            // cos(π − θ) = −cos θ: steps s and Steps − s average to the midpoint.
            var mirror = schedule.At(schedule.Steps - step);
            Assert.Equal((schedule.Rate + schedule.MinRate) / 2, (at + mirror) / 2, 4e-15 * schedule.Rate);
        });
}
