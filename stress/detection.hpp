#pragma once
// Time to detection: what a negative control says about the suite's power, as a user buys it
// with time. A negative control (counter raw/per-op, torn unlocked slices, the tutorial's
// multi-producer ring) runs a hazard that is really there; each of its trials either shows it
// or not. From k trials with d detections, the per-trial detection probability p has a 95 %
// Wilson interval [p_lo, p_hi]; a run of n trials then misses the hazard with probability at
// most (1 - p_lo)^n, so n = ceil(ln(1 - C) / ln(1 - p_lo)) trials detect it with probability
// >= C (at 95 % confidence). That n, and n times the trial's mean wall time, is the table.
//
// The same n sizes a run (--confidence C): a negative control runs until the trials it ran
// are as many as its own figures call for, and a case that must never see its family's
// hazard (held and atomic counters, locked torn reads, the correct rings) runs as many trials
// as that family's control needed, so that an implementation whose fault showed as often as
// the control's hazard would be caught with probability >= C.
#include "cases.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <vector>

namespace shmcheck::stress {

// The default confidence of the table when the run names none: 99.9 % per run.
constexpr double default_confidence = 0.999;

bool is_negative_control(const StressCase& c);
// The scenario family whose control sizes this case ("counter", "torn", "ring"); empty when
// no control speaks for it (owner-death, lifetime).
std::string detection_family(const StressCase& c);

// Did this one trial of a negative control show its hazard? (Judged by the scenario's judge
// on that trial alone: for a control, pass means the hazard was seen.)
bool detected_in(const StressCase& c, const nlohmann::json& trial);

// Trials for probability >= confidence of at least one detection, given the per-trial
// probability's lower bound; nullopt when that bound is 0 (no number of trials is enough).
std::optional<int> trials_needed(double confidence, double p_low);

// A negative control under --confidence stops once it has run the trials its own figures
// call for: d detections in k trials.
bool control_has_enough(int detections, int k, double confidence);

// The table's row for one run of a negative control: its trials (observations) and each
// trial's wall time in seconds, measured by shmcheck.
nlohmann::json detection_row(const StressCase& c, const std::vector<nlohmann::json>& trials,
                             const std::vector<double>& trial_seconds, double confidence);

}  // namespace shmcheck::stress
